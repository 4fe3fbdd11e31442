import { z } from 'zod';

/**
 * The `messages` webhook of the WhatsApp Business Platform (Cloud API), as Meta documents it
 * (developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages):
 *
 *   { object: 'whatsapp_business_account',
 *     entry: [{ id: <WABA id>, changes: [{ field: 'messages', value: {
 *       messaging_product: 'whatsapp', metadata: { display_phone_number, phone_number_id },
 *       contacts: [{ profile: { name }, wa_id }],
 *       messages: [{ from: '6281…', id: 'wamid.…', timestamp: '<unix seconds>', type: 'text', text: { body } }],
 *       statuses: [{ id: 'wamid.…', status: 'sent'|'delivered'|'read'|'failed', timestamp, recipient_id,
 *                    errors: [{ code, title, message, error_data: { details } }] }] } }] }] }
 *
 * Only what Izol reads is required; the rest of each message is kept as Meta sent it (loose objects),
 * because Meta adds fields and message types over time and a new field must never turn a real
 * message into a refused webhook. Other fields of the same webhook (account updates, template
 * statuses) arrive in the same envelope without `messages` or `statuses` and change nothing.
 */
const unixSeconds = z.string().regex(/^\d{1,12}$/);

export const inboundMessageSchema = z.looseObject({
  id: z.string().min(1).max(200),
  /** The sender's WhatsApp number, digits with the country code (6281234567890). */
  from: z.string().regex(/^\d{6,20}$/),
  timestamp: unixSeconds,
  type: z.string().min(1).max(40),
  text: z.looseObject({ body: z.string().max(10_000) }).optional(),
});
export type InboundMessage = z.infer<typeof inboundMessageSchema>;

export const messageStatusSchema = z.looseObject({
  id: z.string().min(1).max(200),
  status: z.string().min(1).max(40),
  timestamp: unixSeconds,
  recipient_id: z.string().max(40).optional(),
  errors: z
    .array(
      z.looseObject({
        code: z.number().optional(),
        title: z.string().max(500).optional(),
        message: z.string().max(1000).optional(),
        error_data: z.looseObject({ details: z.string().max(1000).optional() }).optional(),
      }),
    )
    .optional(),
});
export type MessageStatus = z.infer<typeof messageStatusSchema>;

export const webhookSchema = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z
    .array(
      z.object({
        id: z.string().optional(),
        changes: z
          .array(
            z.object({
              field: z.string().optional(),
              value: z.looseObject({
                messaging_product: z.string().optional(),
                metadata: z.looseObject({ phone_number_id: z.string(), display_phone_number: z.string().optional() }).optional(),
                contacts: z
                  .array(z.looseObject({ wa_id: z.string().optional(), profile: z.looseObject({ name: z.string().max(200).optional() }).optional() }))
                  .optional(),
                // Read item by item (whatsapp.service.ts): one message of a shape Izol does not know is
                // skipped, not a reason to refuse the others in the same delivery.
                messages: z.array(z.unknown()).max(1000).optional(),
                statuses: z.array(z.unknown()).max(1000).optional(),
              }),
            }),
          )
          .max(100),
      }),
    )
    .max(100),
});
export type WhatsAppWebhook = z.infer<typeof webhookSchema>;
