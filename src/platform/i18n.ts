/** Every user-facing text exists in Chinese (first) and English. */
export interface Text {
  readonly zh: string;
  readonly en: string;
}

export const text = (zh: string, en: string): Text => ({ zh, en });

/** For plain-text surfaces that cannot switch language (text messages, logs shown to people). */
export const bilingual = (t: Text): string => (t.zh === t.en ? t.zh : `${t.zh}\n${t.en}`);

/** Lark's locale keys for i18n fields in cards and toasts. */
export const larkI18n = (t: Text) => ({ zh_cn: t.zh, en_us: t.en });
