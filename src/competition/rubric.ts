/**
 * One criterion of the competition's rubric (评比标准): judges' sheets and units' self-evaluations score every
 * criterion with a whole number from 0 to its maximum (the forms, cards/forms.ts rubricShape).
 */
export interface RubricLine {
  readonly code: string;
  readonly name: string;
  readonly nameEn: string;
  readonly max: number;
}
