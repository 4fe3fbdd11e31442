import type { Config } from '../config.js';
import type { ChannelAdapters } from './channels.js';
import { createEmailAdapter } from './email.adapter.js';
import { createSmsAdapter } from './sms.adapter.js';
import { createWhatsAppAdapter } from './whatsapp.adapter.js';

/** The adapters of the channels this deployment configured (none in development: the built-in mailbox). */
export function createChannelAdapters(channels: Config['channels']): ChannelAdapters {
  return {
    ...(channels.email ? { email: createEmailAdapter(channels.email) } : {}),
    ...(channels.whatsapp ? { whatsapp: createWhatsAppAdapter(channels.whatsapp) } : {}),
    ...(channels.sms ? { sms: createSmsAdapter(channels.sms) } : {}),
  };
}
