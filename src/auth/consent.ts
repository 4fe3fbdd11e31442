import type { Lang } from '../shared/messages.js';

/**
 * The texts of the personal-data notice (UU PDP 27/2022) a person may have agreed to, by the version
 * stored with their consent (`users.consent_version`, CONSENT_VERSION in auth.service.ts): its title
 * and the day it took effect, so the profile can say which notice was agreed to in words, with a
 * link to it (/privasi), instead of a version code. A new text of the notice is a new entry here.
 */
export const CONSENT_NOTICES: Readonly<Record<string, { title: Record<Lang, string>; effectiveOn: string }>> = {
  'pdp-2026-01': {
    title: { id: 'Pemberitahuan privasi layanan perizinan', en: 'Privacy notice for permit services' },
    effectiveOn: '2026-01-01',
  },
};

/** The notice a stored consent version names; a version this build does not know is shown as its code. */
export function consentNotice(version: string, lang: Lang): { title: string; effectiveOn: string | null } {
  const notice = CONSENT_NOTICES[version];
  return notice ? { title: notice.title[lang], effectiveOn: notice.effectiveOn } : { title: version, effectiveOn: null };
}
