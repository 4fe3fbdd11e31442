import { randomUUID } from 'node:crypto';
import { requireAccess } from '../access/access.js';
import type { Actor } from '../access/actor.js';
import { appendAudit } from '../audit/audit.repository.js';
import type { CatalogueService } from '../catalogue/catalogue.service.js';
import type { Db } from '../db/database.js';
import type { ScreenSlideKind, Tenant } from '../db/schema.js';
import type { QueueService } from '../queue/queue.service.js';
import { AppError } from '../shared/errors.js';
import type { Lang } from '../shared/messages.js';
import { type Clock, isoNow, todayIn, zonedInstant } from '../shared/time.js';
import { officeBaseUrl, type OfficeAddress } from '../tenants/office-url.js';
import {
  claimPlaylist,
  countFiledByChannel,
  deleteSlide,
  insertSlide,
  listSlides,
  type ScreenSlideRow,
  touchPlaylist,
  updateSlide,
} from './screens.repository.js';

export const SLIDE_KINDS = ['how_to_apply', 'digital_take_up', 'now_serving', 'announcement'] as const satisfies readonly ScreenSlideKind[];
export const MIN_DURATION = 5;
export const MAX_DURATION = 120;
export const MAX_SLIDES = 50;
export const MAX_TEXT = 280;

type Localised = { id: string; en: string };

export type Slide = {
  id: string;
  position: number;
  kind: ScreenSlideKind;
  permitCode: string | null;
  text: Localised | null;
  durationSeconds: number;
  enabled: boolean;
};

export type SlideInput = {
  kind: string;
  permitCode?: string | null | undefined;
  text?: { id?: string | undefined; en?: string | undefined } | null | undefined;
  durationSeconds: number;
  enabled?: boolean | undefined;
};

type FieldProblem = { field: string; code: string; message: string };

/** The default announcement: what the office wants every screen to say. */
export const DEFAULT_ANNOUNCEMENT: Localised = {
  id: 'Ajukan izin secara online: tanpa antre, dari rumah, kapan saja.',
  en: 'Apply for permits online: no queue, from home, at any time.',
};

/** What one slide shows on the screen, read now. */
export type SlideView =
  | {
      kind: 'how_to_apply';
      code: string;
      name: Localised;
      guideUrl: string;
      portalUrl: string;
      slaWorkingDays: number;
      documents: Localised[];
    }
  | { kind: 'digital_take_up'; month: string; online: number; total: number; byChannel: Record<string, number> }
  | { kind: 'now_serving'; nowServing: { counter: string; number: string; service: string }[] }
  | { kind: 'announcement'; text: Localised };

export type ScreenView = {
  office: string;
  /** The slide's id in the playlist; null for the stand-in shown when no slide is. */
  slideId: string | null;
  /** The slide shown (0-based among the enabled ones), how many there are, and the next one's index. */
  index: number;
  count: number;
  next: number;
  durationSeconds: number;
  slide: SlideView;
};

export type ScreensDeps = {
  db: Db;
  clock: Clock;
  catalogue: Pick<CatalogueService, 'listPermitTypes' | 'permitTypeUsage'>;
  queue: Pick<QueueService, 'display'>;
  address: OfficeAddress;
};

/**
 * The videotron and kiosk mode (issue 13, item 4): the office's playlist, which the admin edits
 * (screens.manage), and the public screen `/layar` that shows it one slide per page load.
 */
export function createScreensService(deps: ScreensDeps) {
  const { db, clock } = deps;

  const toSlide = (r: ScreenSlideRow): Slide => ({
    id: r.id,
    position: r.position,
    kind: r.kind,
    permitCode: r.permit_code,
    text: r.text_id !== null && r.text_en !== null ? { id: r.text_id, en: r.text_en } : null,
    durationSeconds: r.duration_seconds,
    enabled: r.enabled === 1,
  });

  /**
   * The default playlist, made the first time the office's playlist is asked for: how to apply for the
   * most used permit types (filed in the last 365 days; at least three, at most five, the catalogue's
   * order after the used ones), this month's digital take-up, and the announcement.
   */
  async function ensurePlaylist(tenantId: string): Promise<void> {
    const { all: types, usage } = await deps.catalogue.permitTypeUsage({ tenantId });
    const order = types.map((t, i) => ({ code: t.definition.code, i, n: usage.get(t.definition.code) ?? 0 }));
    order.sort((a, b) => b.n - a.n || a.i - b.i);
    const used = order.filter((o) => o.n > 0).length;
    const chosen = order.slice(0, Math.min(5, Math.max(3, used)));
    const now = isoNow(clock);
    await db.transaction().execute(async (trx) => {
      if (!(await claimPlaylist(trx, tenantId, now))) return;
      const rows: { kind: ScreenSlideKind; permit_code?: string; text?: Localised; duration: number }[] = [
        ...chosen.map((c) => ({ kind: 'how_to_apply' as const, permit_code: c.code, duration: 20 })),
        { kind: 'digital_take_up', duration: 15 },
        { kind: 'announcement', text: DEFAULT_ANNOUNCEMENT, duration: 10 },
      ];
      let position = 0;
      for (const r of rows) {
        await insertSlide(trx, {
          id: randomUUID(),
          tenant_id: tenantId,
          position: position++,
          kind: r.kind,
          permit_code: r.permit_code ?? null,
          text_id: r.text?.id ?? null,
          text_en: r.text?.en ?? null,
          duration_seconds: r.duration,
          enabled: 1,
          created_at: now,
          updated_at: now,
        });
      }
    });
  }

  async function slidesOf(tenantId: string): Promise<ScreenSlideRow[]> {
    let rows = await listSlides(db, tenantId);
    if (rows.length === 0) {
      await ensurePlaylist(tenantId);
      rows = await listSlides(db, tenantId);
    }
    return rows;
  }

  /** The admin: the office's playlist in order (the default one is made when there is none). */
  async function playlist(input: { actor: Actor }): Promise<{ slides: Slide[]; permitTypes: { code: string; name: Localised }[] }> {
    requireAccess({ actor: input.actor, permission: 'screens.manage', resource: { tenantId: input.actor.tenantId } });
    const slides = (await slidesOf(input.actor.tenantId)).map(toSlide);
    const types = await deps.catalogue.listPermitTypes({ tenantId: input.actor.tenantId });
    return { slides, permitTypes: types.map((t) => ({ code: t.definition.code, name: t.definition.name })) };
  }

  /** Checks a slide as the admin gave it; every problem at once, nothing written when there is one. */
  async function validate(tenantId: string, input: SlideInput): Promise<Omit<Slide, 'id' | 'position'>> {
    const problems: FieldProblem[] = [];
    const kind = (SLIDE_KINDS as readonly string[]).includes(input.kind) ? (input.kind as ScreenSlideKind) : null;
    if (!kind) problems.push({ field: 'kind', code: 'invalid_option', message: `the kind is one of ${SLIDE_KINDS.join(', ')}` });
    const d = input.durationSeconds;
    if (!Number.isInteger(d) || d < MIN_DURATION || d > MAX_DURATION) {
      problems.push({
        field: 'durationSeconds',
        code: 'duration_out_of_range',
        message: `the duration is a whole number of seconds from ${MIN_DURATION} to ${MAX_DURATION}`,
      });
    }
    let permitCode: string | null = null;
    let text: Localised | null = null;
    if (kind === 'how_to_apply') {
      const code = (input.permitCode ?? '').trim().toUpperCase();
      const types = await deps.catalogue.listPermitTypes({ tenantId });
      if (!types.some((t) => t.definition.code === code)) {
        problems.push({ field: 'permitCode', code: 'unknown_permit_type', message: 'choose one of the office’s open permit types' });
      }
      permitCode = code;
    }
    if (kind === 'announcement') {
      const id = (input.text?.id ?? '').trim();
      const en = (input.text?.en ?? '').trim();
      if (id.length < 1 || id.length > MAX_TEXT)
        problems.push({ field: 'text.id', code: 'text_required', message: `the Indonesian text is 1 to ${MAX_TEXT} characters` });
      if (en.length < 1 || en.length > MAX_TEXT)
        problems.push({ field: 'text.en', code: 'text_required', message: `the English text is 1 to ${MAX_TEXT} characters` });
      text = { id, en };
    }
    if (problems.length) throw new AppError('invalid_input', 'the slide is not valid', { fields: problems });
    return { kind: kind!, permitCode, text, durationSeconds: d, enabled: input.enabled ?? true };
  }

  async function audit(trx: Db, actor: Actor, action: string, subjectId: string | null, data: Record<string, unknown>, now: string): Promise<void> {
    await appendAudit(trx, { tenantId: actor.tenantId, actorId: actor.userId, action, subjectType: 'screen_slide', subjectId, data, occurredAt: now });
  }

  /** The admin: a slide at the end of the playlist. */
  async function addSlide(input: { actor: Actor; slide: SlideInput }): Promise<Slide> {
    const { actor } = input;
    requireAccess({ actor, permission: 'screens.manage', resource: { tenantId: actor.tenantId } });
    const current = await slidesOf(actor.tenantId);
    const s = await validate(actor.tenantId, input.slide);
    if (current.length >= MAX_SLIDES) {
      throw new AppError('invalid_input', `a playlist holds at most ${MAX_SLIDES} slides`, {
        fields: [{ field: 'kind', code: 'too_many_slides', message: `a playlist holds at most ${MAX_SLIDES} slides` }],
      });
    }
    const id = randomUUID();
    const now = isoNow(clock);
    const position = current.reduce((m, r) => Math.max(m, r.position + 1), 0);
    await db.transaction().execute(async (trx) => {
      await insertSlide(trx, {
        id,
        tenant_id: actor.tenantId,
        position,
        kind: s.kind,
        permit_code: s.permitCode,
        text_id: s.text?.id ?? null,
        text_en: s.text?.en ?? null,
        duration_seconds: s.durationSeconds,
        enabled: s.enabled ? 1 : 0,
        created_at: now,
        updated_at: now,
      });
      await touchPlaylist(trx, actor.tenantId, now);
      await audit(trx, actor, 'screens.slide_added', id, { kind: s.kind, permitCode: s.permitCode, durationSeconds: s.durationSeconds }, now);
    });
    return { ...s, id, position };
  }

  async function findSlide(tenantId: string, id: string): Promise<{ rows: ScreenSlideRow[]; row: ScreenSlideRow }> {
    const rows = await slidesOf(tenantId);
    const row = rows.find((r) => r.id === id);
    if (!row) throw new AppError('not_found', 'no such slide in this office’s playlist');
    return { rows, row };
  }

  /** The admin: a slide's kind, content, duration and whether it is shown. */
  async function editSlide(input: { actor: Actor; id: string; slide: SlideInput }): Promise<Slide> {
    const { actor } = input;
    requireAccess({ actor, permission: 'screens.manage', resource: { tenantId: actor.tenantId } });
    const { row } = await findSlide(actor.tenantId, input.id);
    const s = await validate(actor.tenantId, input.slide);
    const now = isoNow(clock);
    await db.transaction().execute(async (trx) => {
      await updateSlide(trx, actor.tenantId, row.id, {
        kind: s.kind,
        permit_code: s.permitCode,
        text_id: s.text?.id ?? null,
        text_en: s.text?.en ?? null,
        duration_seconds: s.durationSeconds,
        enabled: s.enabled ? 1 : 0,
        updated_at: now,
      });
      await touchPlaylist(trx, actor.tenantId, now);
      await audit(
        trx,
        actor,
        'screens.slide_changed',
        row.id,
        { kind: s.kind, permitCode: s.permitCode, durationSeconds: s.durationSeconds, enabled: s.enabled },
        now,
      );
    });
    return { ...s, id: row.id, position: row.position };
  }

  /** The admin: the slide leaves the playlist (an emptied playlist stays empty; the screen says so). */
  async function removeSlide(input: { actor: Actor; id: string }): Promise<void> {
    const { actor } = input;
    requireAccess({ actor, permission: 'screens.manage', resource: { tenantId: actor.tenantId } });
    const { row } = await findSlide(actor.tenantId, input.id);
    const now = isoNow(clock);
    await db.transaction().execute(async (trx) => {
      await deleteSlide(trx, actor.tenantId, row.id);
      await touchPlaylist(trx, actor.tenantId, now);
      await audit(trx, actor, 'screens.slide_removed', row.id, { kind: row.kind, permitCode: row.permit_code }, now);
    });
  }

  /** The admin: the playlist in this order; `slideIds` names every slide once. */
  async function reorder(input: { actor: Actor; slideIds: readonly string[] }): Promise<Slide[]> {
    const { actor } = input;
    requireAccess({ actor, permission: 'screens.manage', resource: { tenantId: actor.tenantId } });
    const rows = await slidesOf(actor.tenantId);
    const known = new Set(rows.map((r) => r.id));
    const given = new Set(input.slideIds);
    if (given.size !== input.slideIds.length || given.size !== known.size || [...given].some((id) => !known.has(id))) {
      throw new AppError('invalid_input', 'name every slide of the playlist once', {
        fields: [{ field: 'slideIds', code: 'not_a_permutation', message: 'name every slide of the playlist exactly once' }],
      });
    }
    const now = isoNow(clock);
    await db.transaction().execute(async (trx) => {
      let position = 0;
      for (const id of input.slideIds) await updateSlide(trx, actor.tenantId, id, { position: position++, updated_at: now });
      await touchPlaylist(trx, actor.tenantId, now);
      await audit(trx, actor, 'screens.reordered', null, { slideIds: input.slideIds }, now);
    });
    return (await listSlides(db, actor.tenantId)).map(toSlide);
  }

  /** The admin: one slide a place earlier or later. */
  async function move(input: { actor: Actor; id: string; direction: 'up' | 'down' }): Promise<Slide[]> {
    requireAccess({ actor: input.actor, permission: 'screens.manage', resource: { tenantId: input.actor.tenantId } });
    const { rows } = await findSlide(input.actor.tenantId, input.id);
    const ids = rows.map((r) => r.id);
    const i = ids.indexOf(input.id);
    const j = input.direction === 'up' ? i - 1 : i + 1;
    if (j >= 0 && j < ids.length) [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    return reorder({ actor: input.actor, slideIds: ids });
  }

  /**
   * This month's applications filed, by channel, in the office's time zone: digital (online, with or
   * without a helper: `assisted` counts as digital, as on the head's dashboard) of all filed, pooled.
   */
  async function takeUp(tenant: Tenant): Promise<Extract<SlideView, { kind: 'digital_take_up' }>> {
    const today = todayIn(clock, tenant.time_zone);
    const month = today.slice(0, 7);
    const [y, m] = month.split('-').map(Number) as [number, number];
    const nextMonth = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
    const rows = await countFiledByChannel(
      db,
      tenant.id,
      zonedInstant(`${month}-01`, '00:00', tenant.time_zone),
      zonedInstant(nextMonth, '00:00', tenant.time_zone),
    );
    const byChannel = Object.fromEntries(rows.map((r) => [r.channel, r.n]));
    return { kind: 'digital_take_up', month, online: (byChannel.online ?? 0) + (byChannel.assisted ?? 0), total: rows.reduce((n, r) => n + r.n, 0), byChannel };
  }

  async function view(tenant: Tenant, row: ScreenSlideRow, lang: Lang): Promise<SlideView | null> {
    switch (row.kind) {
      case 'how_to_apply': {
        const pt = (await deps.catalogue.listPermitTypes({ tenantId: tenant.id })).find((t) => t.definition.code === row.permit_code);
        if (!pt) return null;
        const base = officeBaseUrl(deps.address, tenant);
        return {
          kind: 'how_to_apply',
          code: pt.definition.code,
          name: pt.definition.name,
          guideUrl: `${base}/izin/${pt.definition.code}`,
          portalUrl: base,
          slaWorkingDays: pt.definition.slaWorkingDays,
          documents: pt.definition.requirements.filter((r) => r.required).map((r) => r.name),
        };
      }
      case 'digital_take_up':
        return takeUp(tenant);
      case 'now_serving': {
        const d = await deps.queue.display({ tenant, lang });
        return { kind: 'now_serving', nowServing: d.nowServing.map((s) => ({ counter: s.counter, number: s.number, service: s.service.name })) };
      }
      case 'announcement':
        return { kind: 'announcement', text: { id: row.text_id ?? '', en: row.text_en ?? '' } };
    }
  }

  /**
   * The public screen: slide `index` of the enabled ones (an index past the end starts again), what it
   * shows now, and the next index. A how-to slide whose permit type was closed is passed over. With no
   * slide to show, the announcement stays on, read again every minute.
   */
  async function show(input: { tenant: Tenant; index: number; lang: Lang }): Promise<ScreenView> {
    const rows = (await slidesOf(input.tenant.id)).filter((r) => r.enabled === 1);
    const count = rows.length;
    const start = count ? (Number.isInteger(input.index) && input.index >= 0 ? input.index % count : 0) : 0;
    for (let k = 0; k < count; k++) {
      const i = (start + k) % count;
      const row = rows[i]!;
      const slide = await view(input.tenant, row, input.lang);
      if (slide) return { office: input.tenant.name, slideId: row.id, index: i, count, next: (i + 1) % count, durationSeconds: row.duration_seconds, slide };
    }
    return {
      office: input.tenant.name,
      slideId: null,
      index: 0,
      count: 0,
      next: 0,
      durationSeconds: 60,
      slide: { kind: 'announcement', text: DEFAULT_ANNOUNCEMENT },
    };
  }

  return { playlist, addSlide, editSlide, removeSlide, reorder, move, show, takeUp };
}
export type ScreensService = ReturnType<typeof createScreensService>;
