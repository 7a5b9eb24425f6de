import { renderChart, textWidth, type Bar } from './page-html';

/** Every <text> of the chart with its x, y, anchor, size and content, parsed back from the markup. */
function texts(svg: string) {
  return [...svg.matchAll(/<text x="([\d.]+)" y="([\d.]+)"(?: text-anchor="(\w+)")? font-size="(\d+)"[^>]*>([^<]*)<\/text>/g)].map((m) => ({
    x: Number(m[1]), y: Number(m[2]), anchor: m[3] ?? 'start', size: Number(m[4]), text: (m[5] as string).replace(/&amp;/g, '&'),
  }));
}

describe('the performance page chart', () => {
  it('given long labels and full values, keeps every label, value, axis mark and legend entry inside the viewBox', () => {
    const bars: Bar[] = [
      { label: 'Final plans within 20 weeks (all cases)', percent: 100, detail: '1234 of 1234', kind: 'plans' },
      { label: 'Final plans within 20 weeks (excluding exceptions) for a long period with a long name', percent: 99.9, detail: '999 of 1000', kind: 'plans-excl' },
      { label: 'Advice within 6 weeks: social-care', percent: null, detail: '0 of 0', kind: 'advice' },
    ];
    const svg = renderChart(bars);
    const [, width, height] = /viewBox="0 0 (\d+) (\d+)"/.exec(svg)?.map(Number) ?? [];
    const all = texts(svg);
    expect(all).toHaveLength(bars.length * 2 + 6 + 2);
    for (const t of all) {
      const w = textWidth(t.text, t.size);
      const left = t.anchor === 'middle' ? t.x - w / 2 : t.x;
      expect({ text: t.text, inside: left >= 0 && left + w <= (width as number) && t.y - t.size >= 0 && t.y <= (height as number) }).toEqual({ text: t.text, inside: true });
    }
  });
});
