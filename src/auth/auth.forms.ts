import { z } from 'zod';
import type { Lang } from '../shared/messages.js';
import { requiredMessage } from '../web/views.js';
import { MAX_PASSWORD_LENGTH } from './passwords.js';

/** Form fields the account and second-factor pages share (zod, messages in the visitor's language). */

/** A password as typed: never trimmed (spaces count), cut just past what any policy accepts, so the service can say "too long". */
export const formPassword = () =>
  z
    .string()
    .default('')
    .transform((s) => s.slice(0, MAX_PASSWORD_LENGTH + 1));

/** A password that must be filled in. */
export const requiredPassword = (lang: Lang, label: string) => formPassword().pipe(z.string().min(1, requiredMessage(lang, label)));

/** A code from a message or an authenticator app: spaces typed between digit groups are dropped; required. */
export const formCode = (lang: Lang, label: string) =>
  z
    .string()
    .default('')
    .transform((s) => s.slice(0, 10).replace(/\s/g, ''))
    .pipe(z.string().min(1, requiredMessage(lang, label)));
