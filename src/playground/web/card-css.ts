/**
 * The cards' styles (card-render.ts), Feishu-like, as a string: the page puts them in a `<style>` (web/page.ts), and
 * nothing has to read a file at run time.
 */
export const CARD_CSS = `/* Feishu-like cards (src/playground/web/card-render.ts) */
.card {
  --card-border: #dee0e3;
  --card-text: #1f2329;
  --card-muted: #646a73;
  --card-blue: #3370ff;
  --card-red: #f54a45;
  box-sizing: border-box;
  width: 100%;
  max-width: 600px;
  overflow: hidden;
  color: var(--card-text);
  font:
    14px / 1.57 -apple-system,
    BlinkMacSystemFont,
    "PingFang SC",
    "Microsoft YaHei",
    "Helvetica Neue",
    Arial,
    sans-serif;
  text-align: left;
  overflow-wrap: break-word;
  background: #fff;
  border: 1px solid var(--card-border);
  border-radius: 8px;
}
.card *,
.card *::before,
.card *::after {
  box-sizing: inherit;
}
.card--width-compact {
  max-width: 400px;
}
.card--width-fill {
  max-width: none;
}

/* header: a band in the template's colour */
.card-header {
  --card-band: #fff;
  display: flex;
  flex-wrap: wrap;
  gap: 4px 8px;
  align-items: center;
  padding: 12px;
  color: #fff;
  background: var(--card-band);
}
.card-header--default {
  color: var(--card-text);
  border-bottom: 1px solid var(--card-border);
}
.card-header--blue {
  --card-band: #3370ff;
}
.card-header--wathet {
  --card-band: #14a9ff;
}
.card-header--turquoise {
  --card-band: #04b49c;
}
.card-header--green {
  --card-band: #2ea121;
}
.card-header--yellow {
  --card-band: #ffc60a;
  color: var(--card-text);
}
.card-header--orange {
  --card-band: #ff8800;
}
.card-header--red {
  --card-band: #f54a45;
}
.card-header--carmine {
  --card-band: #e22d8d;
}
.card-header--violet {
  --card-band: #c02fc7;
}
.card-header--purple {
  --card-band: #7f3bf5;
}
.card-header--indigo {
  --card-band: #4954e6;
}
.card-header--grey {
  --card-band: #8f959e;
}
.card-header-text {
  flex: 1 1 auto;
  min-width: 0;
}
.card-title {
  font-size: 16px;
  font-weight: 600;
  line-height: 24px;
}
.card-subtitle {
  font-size: 13px;
  opacity: 0.85;
}
.card-header-tags {
  display: flex;
  gap: 4px;
}
.card-icon {
  flex: 0 0 auto;
  width: 16px;
  height: 16px;
  border-radius: 4px;
  background: currentColor;
  opacity: 0.6;
}

/* body */
.card-body {
  display: flex;
  flex-direction: column;
  gap: 8px;
  padding: 12px;
}
.card-text--clamp {
  display: -webkit-box;
  overflow: hidden;
  -webkit-box-orient: vertical;
}
.card-text--heading-0,
.card-text--xxxx-large {
  font-size: 30px;
}
.card-text--heading-1,
.card-text--xxx-large {
  font-size: 24px;
}
.card-text--heading-2,
.card-text--xx-large {
  font-size: 20px;
}
.card-text--heading-3,
.card-text--x-large {
  font-size: 18px;
}
.card-text--heading-4,
.card-text--heading,
.card-text--large {
  font-size: 16px;
}
.card-text--heading-0,
.card-text--heading-1,
.card-text--heading-2,
.card-text--heading-3,
.card-text--heading-4,
.card-text--heading {
  font-weight: 600;
}
.card-text--notation,
.card-text--small {
  font-size: 12px;
  color: var(--card-muted);
}
.card-text--x-small {
  font-size: 10px;
}
.card-align--center {
  text-align: center;
}
.card-align--right {
  text-align: right;
}
.card-align--left {
  text-align: left;
}
.card-valign--top {
  vertical-align: top;
}
.card-valign--bottom {
  vertical-align: bottom;
}
.card-hr {
  width: 100%;
  margin: 0;
  border: 0;
  border-top: 1px solid var(--card-border);
}
.card-fields {
  display: flex;
  flex-wrap: wrap;
  gap: 4px 16px;
}
.card-fields-cell {
  flex: 1 1 100%;
}
.card-fields-cell--short {
  flex: 1 1 calc(50% - 16px);
}
.card-note {
  font-size: 12px;
  color: var(--card-muted);
}
.card-actions {
  display: flex;
  flex-wrap: wrap;
  gap: 8px;
}

/* markdown */
.card-markdown p,
.card-markdown ul,
.card-markdown ol,
.card-markdown blockquote,
.card-markdown pre,
.card-markdown table {
  margin: 0;
}
.card-markdown > * + * {
  margin-top: 6px;
}
.card-markdown h1 {
  margin: 0;
  font-size: 26px;
}
.card-markdown h2 {
  margin: 0;
  font-size: 22px;
}
.card-markdown h3 {
  margin: 0;
  font-size: 20px;
}
.card-markdown h4 {
  margin: 0;
  font-size: 18px;
}
.card-markdown h5 {
  margin: 0;
  font-size: 17px;
}
.card-markdown h6 {
  margin: 0;
  font-size: 14px;
}
.card-markdown ul,
.card-markdown ol {
  padding-left: 1.5em;
}
.card-markdown blockquote {
  padding-left: 8px;
  color: var(--card-muted);
  border-left: 2px solid var(--card-border);
}
.card-markdown code {
  padding: 0 4px;
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: 0.9em;
  background: #f2f3f5;
  border-radius: 4px;
}
.card-markdown pre {
  padding: 8px;
  overflow-x: auto;
  background: #f5f6f7;
  border-radius: 6px;
}
.card-markdown pre code {
  padding: 0;
  background: none;
}
.card-markdown table {
  border-collapse: collapse;
}
.card-markdown th,
.card-markdown td {
  padding: 4px 8px;
  border: 1px solid var(--card-border);
}
.card-markdown a,
.card a {
  color: var(--card-blue);
  text-decoration: none;
}
.card a:hover {
  text-decoration: underline;
}
.md-link--inert {
  color: var(--card-blue);
}
.md-hr {
  display: block;
  margin: 4px 0;
  border-top: 1px solid var(--card-border);
}
.md-img,
.card-img-box {
  display: flex;
  align-items: center;
  justify-content: center;
  min-height: 64px;
  padding: 8px;
  color: var(--card-muted);
  font-size: 12px;
  background: #f2f3f5 repeating-linear-gradient(45deg, transparent 0 8px, #ebedf0 8px 16px);
  border-radius: 6px;
}
.md-img {
  display: inline-flex;
  min-width: 64px;
}
.card-img {
  margin: 0;
}
.card-img-box {
  aspect-ratio: 16 / 9;
}
.card-img figcaption {
  font-size: 12px;
  color: var(--card-muted);
}
.md-number-tag {
  display: inline-block;
  min-width: 18px;
  padding: 0 5px;
  font-size: 12px;
  line-height: 18px;
  text-align: center;
  color: #fff;
  background: var(--card-red);
  border-radius: 9px;
}
.md-datetime {
  color: var(--card-blue);
}

/* text tags, mentions, persons */
.card-tag {
  --card-tag: #3370ff;
  display: inline-block;
  padding: 0 6px;
  font-size: 12px;
  font-weight: 500;
  line-height: 20px;
  white-space: nowrap;
  color: var(--card-tag);
  background: color-mix(in srgb, var(--card-tag) 14%, #fff);
  border-radius: 4px;
}
.card-tag--neutral {
  --card-tag: #646a73;
}
.card-tag--blue {
  --card-tag: #3370ff;
}
.card-tag--turquoise {
  --card-tag: #04b49c;
}
.card-tag--lime {
  --card-tag: #8fac02;
}
.card-tag--orange {
  --card-tag: #de7802;
}
.card-tag--violet {
  --card-tag: #c02fc7;
}
.card-tag--indigo {
  --card-tag: #4954e6;
}
.card-tag--wathet {
  --card-tag: #14a9ff;
}
.card-tag--green {
  --card-tag: #2ea121;
}
.card-tag--yellow {
  --card-tag: #dc9b04;
}
.card-tag--red {
  --card-tag: #f54a45;
}
.card-tag--purple {
  --card-tag: #7f3bf5;
}
.card-tag--carmine {
  --card-tag: #e22d8d;
}
.card-header .card-tag {
  background: #fff;
}
.card-at {
  color: var(--card-blue);
}
.card-persons {
  display: flex;
  flex-wrap: wrap;
  gap: 8px;
}
.card-person {
  display: inline-flex;
  gap: 4px;
  align-items: center;
  vertical-align: middle;
}
.card-person-avatar {
  display: inline-flex;
  align-items: center;
  justify-content: center;
  width: 20px;
  height: 20px;
  font-size: 11px;
  color: #fff;
  background: var(--card-blue);
  border-radius: 50%;
}

/* columns */
.card-columns {
  display: flex;
  gap: 8px;
}
.card-columns--flow {
  flex-wrap: wrap;
}
.card-column {
  display: flex;
  flex: 1 1 0;
  flex-direction: column;
  gap: 8px;
  min-width: 0;
}
.card-column--auto {
  flex: 0 1 auto;
}
.card-column--center {
  align-self: center;
}
.card-column--bottom {
  align-self: flex-end;
}
.card-column--background {
  padding: 8px;
  background: color-mix(in srgb, var(--card-column-bg, #8f959e) 10%, #fff);
  border-radius: 6px;
}

/* table */
.card-table-scroll {
  overflow-x: auto;
  border: 1px solid var(--card-border);
  border-radius: 6px;
}
.card-table table {
  width: 100%;
  font-size: 14px;
  border-collapse: collapse;
  /* inner borders only: the scroll box draws the outer one */
  border-style: hidden;
}
.card-table th {
  padding: 6px 8px;
  font-weight: 600;
  white-space: pre-wrap;
  /* A header breaks between words, not between every Chinese character; the box scrolls sideways when it must. */
  word-break: keep-all;
  min-width: 3em;
  background: #fff;
  border: 1px solid var(--card-border);
}
.card-table td {
  padding: 6px 8px;
  white-space: pre-wrap;
  border: 1px solid var(--card-border);
}
.card-table .card-table-head--grey th {
  background: #f2f3f5;
}
.card-table .card-table-head--regular th {
  font-weight: 400;
}
.card-table .card-table-head--muted th {
  color: var(--card-muted);
}
.card-table.card-table--rows-low td {
  max-width: 240px;
  overflow: hidden;
  text-overflow: ellipsis;
  white-space: nowrap;
}
.card-table.card-table--rows-middle td {
  padding-block: 10px;
}
.card-table.card-table--rows-high td {
  padding-block: 14px;
}
.card-table .card-table-empty td {
  color: var(--card-muted);
  text-align: center;
}
.card-table.card-table--freeze th:first-child,
.card-table.card-table--freeze td:first-child {
  position: sticky;
  left: 0;
  z-index: 1;
  background: #fff;
}
.card-table.card-table--freeze .card-table-head--grey th:first-child {
  background: #f2f3f5;
}
.card-table-pager {
  display: flex;
  flex-wrap: wrap;
  gap: 4px;
  justify-content: flex-end;
  margin-top: 6px;
}
.table-pager {
  min-width: 28px;
  height: 28px;
  padding: 0 6px;
  font: inherit;
  font-size: 12px;
  color: var(--card-text);
  cursor: pointer;
  background: #fff;
  border: 1px solid var(--card-border);
  border-radius: 6px;
}
.table-pager[aria-current="page"] {
  color: var(--card-blue);
  border-color: var(--card-blue);
}

/* collapsible panel */
.card-panel {
  border-radius: 6px;
}
.card-panel--border {
  border: 1px solid var(--card-border);
}
.card-panel-header {
  padding: 4px 8px;
  cursor: pointer;
  background: var(--card-panel-bg, transparent);
  border-radius: 6px;
}
.card-panel-body {
  display: flex;
  flex-direction: column;
  gap: 8px;
  padding: 8px;
}

/* forms and controls */
.card-form {
  display: flex;
  flex-direction: column;
  gap: 12px;
}
.card-field {
  display: flex;
  flex-direction: column;
  gap: 4px;
  max-width: 100%;
}
.card-field--label-left {
  display: grid;
  grid-template-columns: minmax(80px, 30%) 1fr;
  align-items: center;
  gap: 8px;
}
.card-label {
  font-weight: 500;
}
.card-required {
  margin-left: 2px;
  color: var(--card-red);
}
.card-input,
.card-select {
  width: 100%;
  max-width: 100%;
  min-height: 32px;
  padding: 4px 11px;
  font: inherit;
  color: var(--card-text);
  background: #fff;
  border: 1px solid #d0d3d6;
  border-radius: 6px;
}
.card-field:not(.card-control--fill) > .card-input:not(.card-textarea),
.card-field:not(.card-control--fill) > .card-select {
  max-width: 320px;
}
.card-textarea {
  resize: vertical;
  field-sizing: content;
  min-height: calc(var(--card-rows, 5) * 1lh + 10px);
  max-height: calc(var(--card-max-rows, 20) * 1lh + 10px);
}
.card-input:focus,
.card-select:focus {
  outline: none;
  border-color: var(--card-blue);
  box-shadow: 0 0 0 2px color-mix(in srgb, var(--card-blue) 20%, transparent);
}
.card-input:disabled,
.card-select:disabled {
  color: var(--card-muted);
  background: #f5f6f7;
}
.card-input[aria-invalid="true"],
.card-select[aria-invalid="true"] {
  border-color: var(--card-red);
}

/* buttons */
.card-button {
  display: inline-flex;
  align-self: flex-start;
  align-items: center;
  justify-content: center;
  max-width: 100%;
  height: 32px;
  padding: 0 15px;
  font: inherit;
  white-space: nowrap;
  color: var(--card-text);
  cursor: pointer;
  background: #fff;
  border: 1px solid #d0d3d6;
  border-radius: 6px;
}
.card-button:hover:not(:disabled) {
  background: #f5f6f7;
}
.card-button:disabled {
  cursor: not-allowed;
  opacity: 0.5;
}
.card-button--tiny {
  height: 24px;
  padding: 0 7px;
  font-size: 12px;
}
.card-button--small {
  height: 28px;
  padding: 0 11px;
}
.card-button--large {
  height: 40px;
  padding: 0 19px;
  font-size: 16px;
}
.card-control--fill,
.card-button.card-control--fill {
  align-self: stretch;
  width: 100%;
}
.card-button--primary {
  color: var(--card-blue);
  border-color: var(--card-blue);
}
.card-button--danger {
  color: var(--card-red);
  border-color: var(--card-red);
}
.card-button--text,
.card-button--primary_text,
.card-button--danger_text {
  background: transparent;
  border-color: transparent;
}
.card-button--primary_text {
  color: var(--card-blue);
}
.card-button--danger_text {
  color: var(--card-red);
}
.card-button--primary_filled {
  color: #fff;
  background: var(--card-blue);
  border-color: var(--card-blue);
}
.card-button--danger_filled {
  color: #fff;
  background: var(--card-red);
  border-color: var(--card-red);
}
.card-button--primary_filled:hover:not(:disabled) {
  background: #245bdb;
}
.card-button--danger_filled:hover:not(:disabled) {
  background: #d83931;
}
.card-button--laser {
  color: #fff;
  background: linear-gradient(90deg, #3370ff, #7f3bf5, #e22d8d);
  border: 0;
}

/* charts */
.card-chart {
  width: 100%;
  min-height: 120px;
  background: #fafbfc;
  border-radius: 6px;
}

/* what could not be rendered */
.card-error {
  padding: 6px 8px;
  font-size: 12px;
  line-height: 1.5;
  white-space: pre-wrap;
  color: #d83931;
  background: #fef1f1;
  border: 1px solid #f98e8b;
  border-radius: 6px;
}
.card > .card-error {
  margin: 8px 12px 0;
}
`;
