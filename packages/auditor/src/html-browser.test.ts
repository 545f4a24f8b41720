import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sampleAuditReport, sampleFindings } from './html-fixture.js';
import { renderHtmlReport } from './html-report.js';

/** The Chromium to run: `CHROME_PATH`, else `chromium` or `chromium-browser` on the PATH; null when none. */
function findChromium(): string | null {
  const candidates = process.env.CHROME_PATH ? [process.env.CHROME_PATH] : [];
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter((d) => d !== '')) {
    candidates.push(join(dir, 'chromium'), join(dir, 'chromium-browser'));
  }
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      if (statSync(c).isFile()) return c;
    } catch {
      // not there: try the next one
    }
  }
  return null;
}

function run(binary: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(binary, [...args], { timeout: 25_000, maxBuffer: 64 * 1024 * 1024, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${binary} ${args.join(' ')} failed: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

const chromium = findChromium();
const required = process.env.DEALBOOK_REQUIRE_CHROMIUM === '1';
const skip = chromium === null && !required;
if (skip) console.warn('html-browser.test.ts: SKIPPED the headless Chromium test: no chromium, chromium-browser or CHROME_PATH found (apt-get install chromium; DEALBOOK_REQUIRE_CHROMIUM=1 makes this a failure).');

describe('the HTML report in headless Chromium', () => {
  it.skipIf(skip)(`shows the verdict, the findings, the funnel and the charts, and runs no script from the data${skip ? ' (skipped: no Chromium found)' : ''}`, async () => {
    if (chromium === null) throw new Error('DEALBOOK_REQUIRE_CHROMIUM=1 but no Chromium was found: install Debian chromium, or set CHROME_PATH to the binary.');
    const hostile = { code: 'R-HOSTILE', severity: 'error', check: 'rule', streamId: 'x-1', message: `<script>document.documentElement.setAttribute('data-pwned','yes')</script><img src=x onerror="document.documentElement.setAttribute('data-pwned','img')">` } as const;
    const report = await sampleAuditReport({ findings: [...sampleFindings(), hostile] });
    const dir = mkdtempSync(join(tmpdir(), 'dealbook-html-report-'));
    const file = join(dir, 'report.html');
    const screenshot = join(dir, 'report.png');
    writeFileSync(file, renderHtmlReport(report));
    const common = ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--no-first-run', '--disable-extensions', `--user-data-dir=${join(dir, 'profile')}`];
    const url = pathToFileURL(file).href;

    let dom: string;
    try {
      dom = await run(chromium, [...common, '--dump-dom', url]);
      await run(chromium, [...common, `--screenshot=${screenshot}`, '--window-size=1280,4000', url]);
    } finally {
      rmSync(join(dir, 'profile'), { recursive: true, force: true }); // keep only the page and its screenshot
    }
    console.log(`html-browser.test.ts: report ${file}, screenshot ${screenshot}`);

    // The verdict a person reads first.
    expect(dom).toMatch(/<div class="verdict errors" role="status" id="verdict">4 errors, 2 warnings/);
    // One row per finding, the hostile message shown as text, and nothing of it ran.
    const findings = dom.slice(dom.indexOf('id="findings-table"'), dom.indexOf('</table>', dom.indexOf('id="findings-table"')));
    expect(findings.match(/<tr class="finding">/g)).toHaveLength(6);
    expect(findings).toContain('contract-c-0042');
    expect(findings).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(findings).toContain('&lt;script&gt;document.documentElement.setAttribute');
    expect(dom).toMatch(/<html lang="en">/); // no data-pwned attribute: neither the script nor the onerror ran
    expect(dom).not.toMatch(/<html[^>]*data-pwned/);
    expect(dom).not.toMatch(/<script|<img/i);
    // The funnel is an SVG with the stage names.
    const funnel = dom.slice(dom.indexOf('id="chart-funnel"'), dom.indexOf('</figure>', dom.indexOf('id="chart-funnel"')));
    expect(funnel).toContain('<svg role="img"');
    for (const stage of ['Lead', 'Prospecting', 'Needs analysis', 'Proposal', 'Quotation', 'Negotiation', 'Won']) expect(funnel).toContain(`>${stage}</text>`);
    // The KPI and aging charts with their titles.
    for (const title of ['Company signed sales and collections per month', 'Signed sales vs target per rep, 2026-02', 'Signed sales vs target per region, 2026-02', 'Receivables aging: open amounts by days past due']) {
      expect(dom).toContain(`<figcaption>${title}</figcaption>`);
    }
    // A real picture, not a blank page.
    const png = readFileSync(screenshot);
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(png.readUInt32BE(16)).toBe(1280);
    expect(png.length).toBeGreaterThan(20 * 1024);
  });
});
