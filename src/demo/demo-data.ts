import { Readable } from 'node:stream';
import type { Actor } from '../access/actor.js';
import type { FieldDefinition } from '../catalogue/catalogue.schema.js';
import type { PermitTypeVersion } from '../catalogue/catalogue.service.js';
import type { Application, Tenant } from '../db/schema.js';
import { setSqliteSynchronous } from '../db/maintenance.js';
import { AppError } from '../shared/errors.js';
import type { Services } from '../services.js';
import type { Role } from '../workflow/workflow.schema.js';
import { seedDemoApplicant } from './demo-applicant.js';
import { DemoClock } from './demo-clock.js';
import { DEMO_PDF, DEMO_PNG } from './demo-files.js';

/** One demo account per role. Printed at start outside production; never created in production. */
export const DEMO_ACCOUNTS: { role: Role; name: string; email: string; password: string }[] = [
  { role: 'applicant', name: 'Siti Rahmawati', email: 'pemohon@demo.izol.id', password: 'pemohon-demo-2026' },
  { role: 'front_desk', name: 'Agus Prasetyo', email: 'loket@demo.izol.id', password: 'loket-demo-izol-2026' },
  { role: 'verifier', name: 'Dewi Lestari', email: 'verifikator@demo.izol.id', password: 'verifikator-demo-2026' },
  { role: 'technical', name: 'Bambang Wijaya', email: 'teknis@demo.izol.id', password: 'teknis-demo-izol-2026' },
  { role: 'treasurer', name: 'Rina Kusumawati', email: 'bendahara@demo.izol.id', password: 'bendahara-demo-2026' },
  { role: 'head', name: 'Drs. Hendra Gunawan, M.Si.', email: 'kepala@demo.izol.id', password: 'kepala-demo-izol-2026' },
  { role: 'admin', name: 'Yusuf Hidayat', email: 'admin@demo.izol.id', password: 'admin-demo-izol-2026' },
];

const FIRST = [
  'Ahmad',
  'Budi',
  'Citra',
  'Dian',
  'Eko',
  'Fitri',
  'Gilang',
  'Hana',
  'Indra',
  'Joko',
  'Kartika',
  'Lukman',
  'Maya',
  'Nur',
  'Oki',
  'Putri',
  'Rizky',
  'Sari',
  'Taufik',
  'Wulan',
  'Yoga',
  'Zainal',
  'Ayu',
  'Fajar',
  'Rini',
  'Hadi',
  'Lina',
  'Arif',
];
const LAST = [
  'Santoso',
  'Wibowo',
  'Hidayat',
  'Saputra',
  'Purnomo',
  'Rahayu',
  'Kurniawan',
  'Setiawan',
  'Utami',
  'Nugroho',
  'Susanti',
  'Firmansyah',
  'Handayani',
  'Pratama',
  'Maulana',
  'Anggraini',
];
const STREETS = [
  'Jl. Soekarno Hatta',
  'Jl. Ijen',
  'Jl. Veteran',
  'Jl. Kawi',
  'Jl. Borobudur',
  'Jl. Sulfat',
  'Jl. Galunggung',
  'Jl. Danau Toba',
  'Jl. Mayjen Panjaitan',
  'Jl. Letjen Sutoyo',
  'Jl. Gajayana',
  'Jl. Bendungan Sutami',
];
const DISTRICTS = [
  // Kemendagri district codes of Kota Malang (35.73.xx), so the demo NIKs name a real district.
  ['Lowokwaru', '05'],
  ['Klojen', '02'],
  ['Blimbing', '01'],
  ['Sukun', '04'],
  ['Kedungkandang', '03'],
] as const;
const COMPANIES = [
  'CV Arjuna Sejahtera',
  'PT Brawijaya Mandiri',
  'UD Sumber Rejeki',
  'CV Tugu Makmur',
  'PT Kayutangan Kreatif',
  'Apotek Sehat Sentosa',
  'Klinik Pratama Bunga',
];

/** A small deterministic random source, so every fresh demo database looks the same. */
function rng(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
  };
}
type Rng = ReturnType<typeof rng>;

function fakeNik(r: Rng): string {
  const [, district] = r.pick(DISTRICTS);
  const female = r.chance(0.5);
  const day = r.int(1, 28) + (female ? 40 : 0);
  return `3573${district}${String(day).padStart(2, '0')}${String(r.int(1, 12)).padStart(2, '0')}${String(r.int(60, 99)).padStart(2, '0')}${String(r.int(1, 9999)).padStart(4, '0')}`;
}
const personName = (r: Rng) => `${r.pick(FIRST)} ${r.pick(LAST)}`;
const address = (r: Rng) => {
  const [district] = r.pick(DISTRICTS);
  return `${r.pick(STREETS)} No. ${r.int(1, 180)}, Kec. ${district}, Kota Malang`;
};
const digits = (r: Rng, n: number) => Array.from({ length: n }, (_, i) => (i === 0 ? r.int(1, 9) : r.int(0, 9))).join('');

/** A plausible answer for any field, from its type and name: the catalogue stays the only source of forms. */
function answerFor(field: FieldDefinition, r: Rng, today: Date): string | number | boolean {
  const n = field.name.toLowerCase();
  switch (field.type) {
    case 'select':
      return r.pick(field.options).value;
    case 'yes_no':
      return r.chance(0.7);
    case 'nik':
      return fakeNik(r);
    case 'nib':
      return digits(r, 13);
    case 'npwp':
      return digits(r, 15);
    case 'kbli':
      return r.pick(['47111', '56101', '47722', '86105', '85499', '68111']);
    case 'email':
      return `${r.pick(FIRST).toLowerCase()}.${r.int(10, 99)}@contoh.id`;
    case 'phone':
      return `08${r.pick(['12', '13', '21', '52', '57', '77'])}${digits(r, 8)}`;
    case 'address':
      return address(r);
    case 'area_m2':
      return r.int(36, 420);
    case 'floor_count':
      return Math.min(r.int(1, 3), field.max);
    case 'vehicle_plate':
      return `N ${r.int(1000, 9999)} ${r.pick(['AB', 'UA', 'BG', 'TC', 'KX'])}`;
    case 'number': {
      const min = field.min ?? 1;
      const max = field.max ?? Math.max(min + 10, 100);
      const v = min + r.next() * Math.min(max - min, 50);
      return field.integer ? Math.round(v) : Math.round(v * 10) / 10;
    }
    case 'date': {
      const offset = field.notBefore === 'today' ? r.int(14, 90) : field.notAfter === 'today' ? -r.int(200, 4000) : r.int(14, 60);
      return new Date(today.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
    }
    case 'textarea':
      return 'Kegiatan dilaksanakan sesuai ketentuan yang berlaku dan tidak mengganggu ketertiban umum.';
    case 'text': {
      let v: string;
      if (n.includes('company') || n.includes('business') || n.includes('place') || n.includes('institution') || n.includes('operator')) v = r.pick(COMPANIES);
      else if (n.includes('name')) v = personName(r);
      else if (n.includes('route')) v = 'Terminal Arjosari – Terminal Landungsari';
      else if (n.includes('number') || n.includes('str') || n.includes('no')) v = `${digits(r, 4)}/${r.pick(['DPMPTSP', 'KKI', 'STR'])}/${r.int(2019, 2025)}`;
      else v = `Contoh ${field.label.id.toLowerCase()}`;
      const min = field.minLength ?? 0;
      return (v.length < min ? v.padEnd(min, '.') : v).slice(0, field.maxLength);
    }
    default: {
      const unreachable: never = field;
      return unreachable;
    }
  }
}

/** Where each demo file should end up, with how often (weights over a few hundred files). */
const TARGETS: [string, number][] = [
  ['draft', 6],
  ['submitted', 12],
  ['verification', 12],
  ['returned_to_applicant', 8],
  ['resubmitted', 4],
  ['technical_review', 10],
  ['fee_assessment', 3],
  ['awaiting_payment', 4],
  ['approval', 8],
  ['signing', 4],
  ['issued', 22],
  ['rejected', 4],
  ['withdrawn', 3],
];
/** The kota Malang mix: most files still arrive in person (DOMAIN.md). */
const CHANNEL_MIX: [Application['channel'], number][] = [
  ['walk_in', 55],
  ['online', 20],
  ['courier', 10],
  ['assisted', 15],
];

function weighted<T>(r: Rng, table: [T, number][]): T {
  const total = table.reduce((s, [, w]) => s + w, 0);
  let x = r.next() * total;
  for (const [v, w] of table) if ((x -= w) < 0) return v;
  return table[table.length - 1]![0];
}

/**
 * Creates the demo accounts and a few hundred applications through the real services, so every
 * record (numbers, timeline, audit chain, outbox) is what the system itself would have written.
 */
export async function seedDemoData(base: Services, tenant: Tenant, options: { applications?: number } = {}) {
  const total = options.applications ?? 300;
  const r = rng(20260101);
  const realNow = base.clock.now().getTime();
  const clock = new DemoClock(realNow - 170 * 86_400_000, realNow - 60_000);
  // Demo data is re-creatable, so the seeder trades crash-durability for speed while it runs.
  await setSqliteSynchronous(base.db, 'off');
  const { createServices } = await import('../services.js');
  const s = createServices({ config: base.config, db: base.db, clock, storage: base.storage });

  const actors = {} as Record<Role, Actor>;
  for (const a of DEMO_ACCOUNTS) {
    const { userId } = await s.auth.createUser({
      tenantId: tenant.id,
      role: a.role,
      name: a.name,
      email: a.email,
      password: a.password,
      ...(a.role === 'applicant' ? { nik: '3573014506900002', phone: '081234567890' } : {}),
    });
    actors[a.role] = { userId, tenantId: tenant.id, role: a.role, name: a.name };
  }
  // Channel history (src/contacts/): Siti first came to the counter with her WhatsApp number, before
  // she had proved it; then she proved her addresses with the codes sent to them (read from the
  // development mailbox) and applied online, so the history joins the visit to her account.
  await s.applications.createApplication({
    actor: actors.front_desk,
    permitTypeCode: 'REKLAME',
    channel: 'walk_in',
    applicantName: actors.applicant.name,
    applicantContact: '081234567890',
  });
  for (let round = 0; round < 2; round++) {
    const profile = await s.auth.getProfile(actors.applicant);
    if (profile.emailVerified && profile.phoneVerified) break;
    clock.advance(24);
    await s.auth.requestContactVerification(actors.applicant);
    await s.outbox.drain();
    const sent = (await s.notifications.developmentMailbox({ tenantId: tenant.id })).find(
      (m) => m.recipient_user_id === actors.applicant.userId && m.kind === 'contact_code',
    );
    const code = sent ? /\b(\d{6})\b/.exec(sent.body)?.[1] : undefined;
    if (code) await s.auth.verifyContact({ actor: actors.applicant, code });
  }
  // The title printed under the head's name on every permit they sign.
  await s.staff.changePosition({ actor: actors.admin, userId: actors.head.userId, position: `Kepala ${tenant.name}` });
  // Example help contacts for the footer (office settings), clearly fictitious: a 0812-0000-… number and "contoh" handles.
  const current = await s.settings.getSettings({ actor: actors.admin });
  const contacts = { whatsapp: '0812-0000-0000', instagram: 'contoh.izol.demo', facebook: 'contoh.izol.demo', hours: 'Senin–Jumat 08.00–15.00 (contoh)' };
  await s.settings.updateSettings({ actor: actors.admin, settings: { ...current, branding: { ...current.branding, ...contacts } } });
  // The other demo citizens file the random few hundred; Siti's own files are the showcase below
  // (demo-applicant.ts): one in each state her permit's workflow has, not a random handful.
  const citizens: Actor[] = [];
  for (let i = 0; i < 24; i++) {
    const name = personName(r);
    const { userId } = await s.auth.createUser({
      tenantId: tenant.id,
      role: 'applicant',
      name,
      email: `warga${i + 1}@demo.izol.id`,
      nik: fakeNik(r),
      password: `warga-demo-${i + 1}-2026`,
    });
    citizens.push({ userId, tenantId: tenant.id, role: 'applicant', name });
  }

  const types = await s.catalogue.listPermitTypes({ tenantId: tenant.id });
  const byState: Record<string, number> = {};
  const issuedBillboards: string[] = [];
  const span = 165 * 86_400_000;
  for (let i = 0; i < total; i++) {
    clock.set(realNow - 170 * 86_400_000 + Math.floor((span * i) / total) + r.int(0, 3_600_000));
    // Favour the busy types: billboards and building permits dominate real traffic.
    const type = r.chance(0.45) ? (types.find((t) => t.definition.code === (r.chance(0.6) ? 'REKLAME' : 'PBG')) ?? r.pick(types)) : r.pick(types);
    const target = weighted(r, TARGETS);
    let id = '';
    const state = await carryTo(s, clock, r, type, target, actors, r.pick(citizens), weighted(r, CHANNEL_MIX), (filed) => (id = filed));
    byState[state] = (byState[state] ?? 0) + 1;
    if (type.definition.code === 'REKLAME' && state === 'issued') issuedBillboards.push(id);
  }
  // One revoked permit, so the registry and the verification page show that status too: the first
  // billboard permit still valid, of the earliest file filed.
  for (const applicationId of issuedBillboards) {
    const permit = (await s.permits.permitsForApplication({ actor: actors.head, applicationId })).find((p) => p.status === 'valid');
    if (!permit) continue;
    await s.permits.revoke({ actor: actors.head, permitId: permit.id, reason: 'Reklame dipasang di luar titik yang diizinkan (demo).' });
    break;
  }
  // A retribution target for this year (src/revenue/), so the revenue page has a line to measure against.
  await s.revenue.setTarget({
    actor: actors.admin,
    year: await base.revenue.currentYear({ actor: actors.admin }),
    amount: 500_000_000,
    reason: 'Data demo: contoh target, bukan angka resmi (target retribusi PBG Kota Malang 2022: Rp 12,5 miliar)',
  });
  await s.outbox.drain();
  // Siti's own files, one in each state (after the rest, so they are the newest on her list).
  const showcase = await seedDemoApplicant(base, tenant, actors);
  for (const [state, n] of Object.entries(showcase.byState)) byState[state] = (byState[state] ?? 0) + n;
  await setSqliteSynchronous(base.db, 'full');
  // The files made, Siti's first visit at the counter (a draft) and her showcase included.
  return {
    applications: total + 1 + showcase.created,
    accounts: DEMO_ACCOUNTS.length + 24,
    byState: { ...byState, draft: (byState.draft ?? 0) + 1 },
    ...(showcase.missed.length ? { demoApplicantMissed: showcase.missed } : {}),
  };
}

async function carryTo(
  s: Services,
  clock: DemoClock,
  r: Rng,
  type: PermitTypeVersion,
  target: string,
  actors: Record<Role, Actor>,
  citizen: Actor,
  channel: Application['channel'],
  onFiled: (applicationId: string) => void,
): Promise<string> {
  const intake = channel === 'online' ? citizen : actors.front_desk;
  const applicantName = personName(r);
  const channelDetail =
    channel === 'assisted'
      ? r.pick(['instagram', 'facebook', 'whatsapp', 'phone'])
      : channel === 'courier'
        ? r.pick(['JNE', 'Pos Indonesia', 'J&T'])
        : undefined;
  // Answers drawn one by one may contradict each other (a "small house" of 300 m², the catalogue's answer
  // checks): such a form is refused before anything is written, and the demo draws the answers again.
  let application: Application | undefined;
  for (let attempt = 1; !application; attempt++) {
    const answers = Object.fromEntries(type.definition.fields.map((f) => [f.name, answerFor(f, r, clock.now())]));
    try {
      ({ application } = await s.applications.createApplication({
        actor: intake,
        permitTypeCode: type.definition.code,
        answers,
        ...(channel === 'online' ? {} : { channel, applicantName, channelDetail }),
      }));
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'invalid_answers' || attempt >= 25) throw err;
    }
  }
  const id = application.id;
  onFiled(id);
  for (const req of type.definition.requirements.filter((q) => q.required || r.chance(0.5))) {
    const pdf = req.acceptedTypes.includes('pdf');
    await s.documents.uploadDocument({
      actor: intake,
      applicationId: id,
      requirementCode: req.code,
      fileName: pdf ? `${req.code}.pdf` : `${req.code}.png`,
      source: Readable.from([pdf ? DEMO_PDF : DEMO_PNG]),
    });
  }
  if (target === 'draft') return 'draft';
  const act = async (actor: Actor, action: string, extra: { reason?: string; feeAmount?: number; feeReason?: string; paymentReference?: string } = {}) => {
    clock.advance(r.int(2, 40));
    return s.applications.performAction({ actor, applicationId: id, action, ...extra });
  };
  const acceptAll = async (actor: Actor) => {
    const { docs } = await s.applications.getApplication({ actor, applicationId: id });
    for (const d of docs)
      if (d.review_status !== 'accepted') await s.documents.reviewDocument({ actor, applicationId: id, documentId: d.id, status: 'accepted' });
  };

  let app = await act(intake, 'submit');
  // Only the applicant withdraws; a front-desk file without an account yet stays submitted.
  if (target === 'withdrawn') return app.applicant_id ? (await act(citizen, 'withdraw')).state : app.state;
  if (target === 'submitted') return app.state;
  app = await act(actors.verifier, 'start_verification');
  if (target === 'verification') return app.state;
  if (target === 'returned_to_applicant' || target === 'resubmitted' || r.chance(0.15)) {
    const { docs } = await s.applications.getApplication({ actor: actors.verifier, applicationId: id });
    const refused = docs[0];
    if (refused)
      await s.documents.reviewDocument({
        actor: actors.verifier,
        applicationId: id,
        documentId: refused.id,
        status: 'refused',
        reason: 'Hasil pindaian buram; unggah ulang dengan jelas.',
      });
    app = await act(actors.verifier, 'return_to_applicant', { reason: 'Dokumen belum lengkap atau kurang jelas. Mohon perbaiki dokumen yang ditandai.' });
    if (target === 'returned_to_applicant') return app.state;
    if (refused) {
      await s.documents.uploadDocument({
        actor: intake,
        applicationId: id,
        requirementCode: refused.requirement_code,
        fileName: refused.file_name,
        source: Readable.from([Buffer.concat([refused.media_type === 'application/pdf' ? DEMO_PDF : DEMO_PNG, Buffer.from(`\n% v2 ${id}`)])]),
      });
    }
    app = await act(intake, 'resubmit');
    if (target === 'resubmitted') return app.state;
    await act(actors.verifier, 'start_verification');
  }
  if (target === 'rejected' && r.chance(0.5)) return (await act(actors.verifier, 'reject', { reason: 'Lokasi tidak sesuai dengan rencana tata ruang.' })).state;
  await acceptAll(actors.verifier);
  app = await act(actors.verifier, 'forward');
  if (app.state === 'technical_review') {
    if (target === 'technical_review') return app.state;
    if (type.definition.fieldInspection !== 'none') {
      clock.advance(r.int(24, 120));
      await s.inspections.recordInspection({
        actor: actors.technical,
        applicationId: id,
        result: 'pass',
        findings: 'Kondisi lapangan sesuai dengan dokumen permohonan.',
      });
    }
    if (target === 'rejected') return (await act(actors.technical, 'reject', { reason: 'Hasil peninjauan lapangan tidak memenuhi persyaratan teknis.' })).state;
    app = await act(actors.technical, 'recommend');
  }
  if (app.state === 'fee_assessment') {
    if (target === 'fee_assessment') return app.state;
    app = await act(actors.treasurer, 'assess_fee', { feeAmount: r.int(15, 900) * 10_000, feeReason: 'Data demo: jumlah contoh, bukan hasil perhitungan' });
    if (target === 'awaiting_payment') return app.state;
    // The bank's reference (NTB) is unique per payment: a payment is recorded once per reference.
    app = await act(actors.treasurer, 'record_payment', { paymentReference: `NTB-${app.number ?? id}` });
  }
  if (target === 'rejected') return (await act(actors.head, 'reject', { reason: 'Tidak memenuhi ketentuan yang berlaku.' })).state;
  if (target === 'approval' || target === 'fee_assessment' || target === 'awaiting_payment' || target === 'technical_review') return app.state;
  app = await act(actors.head, 'approve');
  if (target === 'signing') return app.state;
  app = await act(actors.head, 'sign');
  return app.state;
}
