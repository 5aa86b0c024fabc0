/** Reading what the bot sent: a card or a toast as one string to search (undefined becomes "undefined"). */
export const json = (x: unknown): string => String(JSON.stringify(x));
export const toastText = (d: { toast?: unknown }): string => json(d.toast);
