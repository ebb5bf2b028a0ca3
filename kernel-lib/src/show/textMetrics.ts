/**
 * Text widths in the font a figure's static image is read in, for the plotly render without a
 * browser (./staticRender): plotly measures every label to place legends, margins and tick labels,
 * and outside a browser something must answer "how wide is this text".
 *
 * Plotly asks for "Open Sans", verdana, arial, sans-serif. Where Open Sans is not installed (most
 * machines, and every Debian one) the text is drawn in Verdana or DejaVu Sans, which share their
 * metrics, so the widths below are DejaVu Sans's, measured in headless Chromium (SVG
 * getComputedTextLength at 100 px, in em/1000) by the script at the end of this comment; characters
 * not listed count as 0.64 em. Ascent and descent are Chromium's text box for the same font.
 *
 *   const t = document.querySelector('text');            // font: 100px "Open Sans", verdana, arial, sans-serif
 *   for (const ch of CHARS) { t.textContent = 'x' + ch + 'x'; const w = t.getComputedTextLength();
 *     t.textContent = 'xx'; widths.push(Math.round((w - t.getComputedTextLength()) * 10)); }
 */

const CHARS = "0123456789 !\"#$%&'()*+,-./:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~±²³·¼½×÷ΔΣαβδελμπσ–‖…⁴⁻₀₁₂←→∂−√∛≈≤★✕✓✗°µ—";
const WIDTHS_MILLI_EM = [636,636,636,636,636,636,636,636,636,636,318,401,460,838,636,950,780,275,390,390,500,838,318,361,318,337,337,337,838,838,838,531,1000,684,686,698,770,632,575,775,752,295,295,656,557,863,748,787,603,787,695,635,611,732,684,989,685,611,685,390,337,390,838,500,500,613,635,532,635,567,352,635,634,278,278,579,278,974,634,550,635,635,384,521,392,634,592,818,592,592,525,636,337,636,838,838,401,401,318,969,969,838,838,684,632,659,638,612,541,592,636,602,634,500,500,1000,401,528,401,401,401,838,838,517,838,637,637,838,838,897,838,838,838,500,636,1000];

const WIDTH = new Map<string, number>(Array.from(CHARS).map((ch, i) => [ch, WIDTHS_MILLI_EM[i] / 1000]));

/** Width (em) of a character not in the table. */
export const DEFAULT_CHAR_EM = 0.64;
/** The text box above the baseline and below it, in em (Chromium, DejaVu Sans). */
export const ASCENT_EM = 0.93;
export const DESCENT_EM = 0.24;

/**
 * The width in px of a single line of text at a font size, in the font figures are read in.
 *
 * @example
 * fontTextWidth('epoch', 12)   // 36.84
 */
export function fontTextWidth(text: string, fontPx: number): number {
  let em = 0;
  for (const ch of text) em += WIDTH.get(ch) ?? DEFAULT_CHAR_EM;
  return em * fontPx;
}
