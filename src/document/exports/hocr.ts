/**
 * @module hOCR export (hOCR 1.2): one `ocr_page` per page, a `ocr_carea` holding one `ocr_par`
 * per block, `ocr_line` per line and `ocrx_word` per word, each with its `bbox` in upright page
 * pixels and words with `x_wconf` (0 to 100).
 */
import type { Box } from '../geometry.js';
import type { BlockResult, DocumentResult, LineResult, PageResult, WordResult } from '../result.js';

const CAPABILITIES = 'ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrp_wconf';

/** The document as an XHTML hOCR string. */
export function toHocr(result: DocumentResult): string {
  const { document, engine } = result;
  const pages = result.pages.map((page) => hocrPage(page, document.name));
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"',
    '  "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">',
    '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">',
    '<head>',
    `<title>${escapeXml(document.name)}</title>`,
    '<meta http-equiv="Content-Type" content="text/html;charset=utf-8" />',
    `<meta name="ocr-system" content="lectern ${escapeXml(engine.version)}" />`,
    `<meta name="ocr-capabilities" content="${CAPABILITIES}" />`,
    `<meta name="ocr-number-of-pages" content="${result.pages.length}" />`,
    `<meta name="ocr-langs" content="${escapeXml(engine.languages.join(' '))}" />`,
    '</head>',
    '<body>',
    ...pages,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function hocrPage(page: PageResult, name: string): string {
  const n = page.number;
  const box = { x: 0, y: 0, width: page.width, height: page.height };
  const resolution = page.dpi ? `; scan_res ${Math.round(page.dpi)} ${Math.round(page.dpi)}` : '';
  const title = `image "${name}"; ${bbox(box)}; ppageno ${n - 1}${resolution}`;
  const blocks = page.blocks.map((block, b) => hocrBlock(block, `${n}_${b + 1}`));
  return [
    `<div class="ocr_page" id="page_${n}" title="${escapeXml(title)}">`,
    ...blocks,
    '</div>',
  ].join('\n');
}

function hocrBlock(block: BlockResult, id: string): string {
  const lines = block.lines.map((line, l) => hocrLine(line, `${id}_${l + 1}`));
  return [
    ` <div class="ocr_carea" id="block_${id}" title="${bbox(block.box)}">`,
    `  <p class="ocr_par" id="par_${id}" title="${bbox(block.box)}">`,
    ...lines,
    '  </p>',
    ' </div>',
  ].join('\n');
}

function hocrLine(line: LineResult, id: string): string {
  const words = line.words.map((word, w) => hocrWord(word, `${id}_${w + 1}`)).join(' ');
  return `   <span class="ocr_line" id="line_${id}" title="${bbox(line.box)}">${words}</span>`;
}

function hocrWord(word: WordResult, id: string): string {
  const title = `${bbox(word.box)}; x_wconf ${Math.round(word.confidence * 100)}`;
  return `<span class="ocrx_word" id="word_${id}" title="${title}">${escapeXml(word.text)}</span>`;
}

/** hOCR's `bbox x0 y0 x1 y1` in whole pixels, widened outwards so it covers the box. */
function bbox(box: Box): string {
  const x0 = Math.floor(box.x);
  const y0 = Math.floor(box.y);
  return `bbox ${x0} ${y0} ${Math.ceil(box.x + box.width)} ${Math.ceil(box.y + box.height)}`;
}

function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}
