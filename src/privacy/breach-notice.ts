import type { Lang } from '../shared/messages.js';
import type { BreachReport, BreachSubject } from './breach-report.js';
import type { ProcessingRecord } from './processing-record.schema.js';

/**
 * The draft notices of a personal-data breach (UU PDP art. 46(2): which personal data, when and how it
 * was disclosed, what is done to handle and recover it), to each person and to the authority, in
 * Indonesian and English. Drafts: what only people can know is left as a marked blank `[…]` for the
 * office to fill in before sending. A NIK appears only masked, as the report holds it.
 */

const when = (lang: Lang, iso: string, timeZone: string) =>
  `${new Intl.DateTimeFormat(lang === 'id' ? 'id-ID' : 'en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone }).format(new Date(iso))} (${timeZone}; ${iso})`;

const T = {
  id: {
    subjectTitle: 'Pemberitahuan kegagalan pelindungan data pribadi',
    to: 'Kepada',
    nik: 'NIK',
    dear: 'Dengan hormat,',
    intro: (office: string) =>
      `${office} memberitahukan bahwa telah terjadi kegagalan pelindungan data pribadi yang menyangkut data Anda (UU 27/2022 tentang Pelindungan Data Pribadi, Pasal 46).`,
    data: 'Data pribadi Anda yang terkena',
    window: (from: string, to: string) => `Waktu kejadian: antara ${from} dan ${to}.`,
    detected: (d: string) => `Diketahui pada: ${d}.`,
    how: 'Bagaimana terjadinya: [isi oleh kantor: apa yang terjadi, siapa yang dapat mengakses data]',
    done: 'Yang telah kami lakukan: [isi oleh kantor: langkah penanganan dan pemulihan, misalnya akun petugas dinonaktifkan, kata sandi diganti]',
    advice:
      'Yang dapat Anda lakukan: waspadai pesan atau telepon yang mengatasnamakan kantor atau meminta kode, kata sandi atau pembayaran. [isi oleh kantor: saran lain]',
    contact: 'Pertanyaan: hubungi kantor melalui kontak resminya atau datang ke loket. [isi oleh kantor: nama dan kontak petugas]',
    specific: 'data spesifik',
    authorityTitle: 'Pemberitahuan kegagalan pelindungan data pribadi kepada lembaga',
    authorityTo:
      'Kepada: Lembaga penyelenggara pelindungan data pribadi [isi oleh kantor: alamat; sebelum lembaga terbentuk, Kementerian Komunikasi dan Digital]',
    controller: 'Pengendali data',
    deadline: (d: string) => `Batas waktu pemberitahuan (3 × 24 jam sejak diketahui): ${d}.`,
    scopeDocuments: 'Lingkup: dokumen pribadi yang dibuka petugas dalam rentang waktu itu, menurut log audit.',
    scopeTables: (t: string) => `Lingkup: semua orang yang datanya ada di tabel ${t} pada akhir rentang waktu itu.`,
    people: (n: number) => `Jumlah subjek data yang terkena: ${n} orang.`,
    perCategory: 'Jumlah orang per jenis data',
    events: 'Peristiwa akses di log audit',
    list: 'Daftar subjek data ada di subjects.csv (NIK tersamar).',
    noneYet: 'tidak ada',
  },
  en: {
    subjectTitle: 'Notice of a personal data breach',
    to: 'To',
    nik: 'NIK',
    dear: 'Dear Sir or Madam,',
    intro: (office: string) =>
      `${office} tells you that the protection of personal data has failed in a way that concerns your data (Law 27 of 2022 on Personal Data Protection, art. 46).`,
    data: 'Your personal data concerned',
    window: (from: string, to: string) => `When it happened: between ${from} and ${to}.`,
    detected: (d: string) => `Detected on: ${d}.`,
    how: 'How it happened: [office to fill in: what happened, who could access the data]',
    done: 'What we have done: [office to fill in: the handling and recovery, e.g. the officer account disabled, passwords changed]',
    advice: 'What you can do: beware of messages or calls in the office’s name that ask for codes, passwords or payments. [office to fill in: other advice]',
    contact: 'Questions: contact the office through its official contacts or at the counter. [office to fill in: the officer’s name and contact]',
    specific: 'specific data',
    authorityTitle: 'Notice of a personal data breach to the authority',
    authorityTo:
      'To: The personal data protection authority [office to fill in: address; until it is set up, the Ministry of Communication and Digital Affairs]',
    controller: 'Data controller',
    deadline: (d: string) => `Notification deadline (3 × 24 hours from detection): ${d}.`,
    scopeDocuments: 'Scope: the personal documents officers opened in that window, per the audit log.',
    scopeTables: (t: string) => `Scope: everyone whose data was in the tables ${t} at the end of that window.`,
    people: (n: number) => `Data subjects concerned: ${n}.`,
    perCategory: 'People per kind of data',
    events: 'Access events in the audit log',
    list: 'The list of data subjects is in subjects.csv (NIK masked).',
    noneYet: 'none',
  },
} as const;

function categoryLine(record: ProcessingRecord, lang: Lang, id: string): string {
  const c = record.categories.find((x) => x.id === id);
  if (!c) return id;
  return `${c.name[lang]}${c.specific ? ` (${T[lang].specific}: ${c.article ?? ''})` : ''}`;
}

function addressee(s: BreachSubject, lang: Lang): string[] {
  const contact = [s.email, s.phone, s.contact].filter((x, i, all): x is string => Boolean(x) && all.indexOf(x) === i).join(', ');
  const name = s.name ?? (lang === 'id' ? '[nama tidak tercatat]' : '[name not recorded]');
  return [`${T[lang].to}: ${name}${contact ? ` (${contact})` : ''}`, ...(s.nikMasked ? [`${T[lang].nik}: ${s.nikMasked}`] : [])];
}

/** One notice per person, separated by rules, to send by the channel each person gave. */
export function renderSubjectNotices(report: BreachReport, record: ProcessingRecord, lang: Lang): string {
  const t = T[lang];
  const tz = report.office.timeZone;
  const notices = report.subjects.map((s) =>
    [
      `## ${t.subjectTitle}`,
      '',
      ...addressee(s, lang),
      '',
      t.dear,
      '',
      t.intro(report.office.name),
      '',
      `${t.data}:`,
      ...s.categories.map((c) => `- ${categoryLine(record, lang, c)}`),
      '',
      t.window(when(lang, report.window.from, tz), when(lang, report.window.to, tz)),
      t.detected(when(lang, report.detectedAt, tz)),
      '',
      t.how,
      '',
      t.done,
      '',
      t.advice,
      '',
      t.contact,
      '',
    ].join('\n'),
  );
  return [`# ${t.subjectTitle}: ${report.office.name}`, '', t.deadline(when(lang, report.notifyBy, tz)), '', ...notices.flatMap((n) => [n, '---', ''])].join(
    '\n',
  );
}

/** The notice to the authority: the controller, the window, the deadline, the counts per category. */
export function renderAuthorityNotice(report: BreachReport, record: ProcessingRecord, lang: Lang): string {
  const t = T[lang];
  const tz = report.office.timeZone;
  return [
    `# ${t.authorityTitle}`,
    '',
    t.authorityTo,
    '',
    `${t.controller}: ${report.office.name} (${report.office.code}). ${record.controller.contact[lang]}`,
    '',
    t.window(when(lang, report.window.from, tz), when(lang, report.window.to, tz)),
    t.detected(when(lang, report.detectedAt, tz)),
    t.deadline(when(lang, report.notifyBy, tz)),
    '',
    report.scope.kind === 'documents' ? t.scopeDocuments : t.scopeTables(report.scope.tables.join(', ')),
    t.people(report.subjects.length),
    '',
    `${t.perCategory}:`,
    ...(report.countsByCategory.length ? report.countsByCategory.map((c) => `- ${categoryLine(record, lang, c.category)}: ${c.people}`) : [`- ${t.noneYet}`]),
    '',
    ...(report.scope.kind === 'documents'
      ? [`${t.events}:`, ...(report.accessEvents.length ? report.accessEvents.map((e) => `- ${e.action}: ${e.count}`) : [`- ${t.noneYet}`]), '']
      : []),
    t.how,
    '',
    t.done,
    '',
    t.list,
    '',
  ].join('\n');
}

const csvCell = (v: string | null) => (v === null ? '' : /[",\n\r]/.test(v) || /^[=+\-@]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** One line per person: who to tell and how, what of theirs was concerned. A cell that a spreadsheet would run as a formula is quoted. */
export function subjectsCsv(report: BreachReport): string {
  const lines = [['name', 'nik_masked', 'email', 'phone', 'contact', 'categories', 'sources'].join(',')];
  for (const s of report.subjects)
    lines.push([s.name, s.nikMasked, s.email, s.phone, s.contact, s.categories.join(' '), s.sources.join(' ')].map(csvCell).join(','));
  return `${lines.join('\n')}\n`;
}
