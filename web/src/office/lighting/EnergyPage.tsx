/**
 * /office/lighting/energy: a month's energy per cabinet, group or district as a bar chart (inline
 * SVG, mirrored in right-to-left languages) with the same figures in a table, the month's cost,
 * CO2 and dimming savings, the CSV download, and the retrofit simulator.
 */
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Button } from 'react-aria-components';
import { Link, useSearchParams } from 'react-router';
import { useFormat } from '../../shared/format';
import { INTL_LOCALE, LOCALE_DIR, useLocale, useMultilingual, useT } from '../../shared/i18n';
import { ProblemMessage } from '../../shared/ProblemMessage';
import { useDocumentTitle } from '../../shared/page';
import { FormProblem, fieldErrorsOf, type Option, SelectField, TextInput } from '../forms';
import { type EnergyItem, type EnergyQuery, energyCsvUrl, TECHNOLOGIES, type Technology, useEnergy, useRetrofit } from './lighting-api';
import './lighting.css';

type GroupBy = EnergyQuery['groupBy'];
const GROUP_BYS: GroupBy[] = ['cabinet', 'group', 'district'];
/** The months offered: this one and the eleven before. */
const MONTHS = 12;

const pad = (n: number) => String(n).padStart(2, '0');
function recentMonths(now = new Date()): string[] {
  return Array.from({ length: MONTHS }, (_, i) => {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1));
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}`;
  });
}
function monthRange(month: string): { from: string; to: string } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${pad(last)}` };
}

export function EnergyPage() {
  const t = useT();
  const fmt = useFormat();
  const locale = useLocale();
  const ml = useMultilingual();
  const [params, setParams] = useSearchParams();
  const months = recentMonths();
  const month = months.includes(params.get('month') ?? '') ? (params.get('month') as string) : (months[0] as string);
  const groupBy: GroupBy = GROUP_BYS.find((g) => g === params.get('groupBy')) ?? 'cabinet';
  const query: EnergyQuery = { groupBy, period: 'month', ...monthRange(month) };
  const energy = useEnergy(query);
  useDocumentTitle(t.text('lighting.energy.title'));

  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    next.set(key, value);
    setParams(next, { replace: true });
  };
  const monthName = new Intl.DateTimeFormat(INTL_LOCALE[locale], { month: 'long', year: 'numeric', timeZone: 'UTC' });
  const monthOptions: Option<string>[] = months.map((m) => {
    const text = monthName.format(new Date(`${m}-15T00:00:00Z`));
    return { id: m, label: text, text };
  });
  const groupOptions: Option<GroupBy>[] = GROUP_BYS.map((g) => ({
    id: g,
    label: t(`lighting.energy.by.${g}`),
    text: t.text(`lighting.energy.by.${g}`),
  }));
  const unitName = (r: EnergyItem) => r.unit.code ?? (r.unit.name ? ml.text(r.unit.name) : t.text(`lighting.energy.none.${groupBy}`));
  const monthText = monthName.format(new Date(`${month}-15T00:00:00Z`));

  return (
    <>
      <h1>{t('lighting.energy.title')}</h1>
      <nav className="lighting-links" aria-label={t.text('lighting.nav.label')}>
        <Link to="/office/lighting">{t('lighting.nav.map')}</Link>
        <Link to="/office/lighting/list">{t('lighting.nav.list')}</Link>
      </nav>
      <search className="filters lighting-filters" aria-label={t.text('lighting.filter.label')}>
        <SelectField label={t('lighting.energy.month')} value={month} onChange={(m) => set('month', m)} options={monthOptions} />
        <SelectField label={t('lighting.energy.groupBy')} value={groupBy} onChange={(g) => set('groupBy', g)} options={groupOptions} />
      </search>
      {energy.isError ? (
        <ProblemMessage error={energy.error} onRetry={() => void energy.refetch()} />
      ) : !energy.data ? (
        <p className="loading-line" role="status">
          {t('common.loading')}
        </p>
      ) : (
        <>
          {energy.data.settings.isExample ? (
            <p className="notice notice-compact" data-testid="tariff-example">
              {t('lighting.energy.exampleTariff')}
            </p>
          ) : null}
          <Figures
            testId="energy-totals"
            items={[
              ['lighting.energy.total.kwh', fmt.number(energy.data.totals.kwh)],
              ['lighting.energy.total.cost', fmt.number(energy.data.totals.costMad)],
              ['lighting.energy.total.co2', fmt.number(energy.data.totals.co2Kg)],
              ['lighting.energy.total.savings', fmt.number(energy.data.totals.savingsKwh)],
            ]}
          />
          <a className="button button-secondary" href={energyCsvUrl(query)} download>
            {t('lighting.energy.csv')}
          </a>
          {energy.data.items.length === 0 ? (
            <p className="empty">{t('lighting.energy.empty')}</p>
          ) : (
            <>
              <BarChart
                title={t.text('lighting.energy.chartTitle', { month: monthText, by: t.text(`lighting.energy.by.${groupBy}`) })}
                bars={energy.data.items.map((r) => ({ key: r.unit.id ?? 'none', label: unitName(r), value: r.kwh }))}
                rtl={LOCALE_DIR[locale] === 'rtl'}
                format={fmt.number}
              />
              {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a table wider than a phone scrolls sideways: the keyboard must reach it (WCAG 2.1.1) */}
              <section className="table-scroll" tabIndex={0} aria-labelledby="energy-caption">
                <table className="lighting-table" data-testid="energy-table">
                  <caption id="energy-caption">{t('lighting.energy.tableCaption', { month: monthText })}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t(`lighting.energy.by.${groupBy}`)}</th>
                      <th scope="col">{t('lighting.energy.col.kwh')}</th>
                      <th scope="col">{t('lighting.energy.col.cost')}</th>
                      <th scope="col">{t('lighting.energy.col.co2')}</th>
                      <th scope="col">{t('lighting.energy.col.savings')}</th>
                      <th scope="col">{t('lighting.energy.col.source')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {energy.data.items.map((r) => (
                      <tr key={`${r.period}-${r.unit.id}`}>
                        <th scope="row">
                          <bdi>{unitName(r)}</bdi>
                        </th>
                        <td>{fmt.number(r.kwh)}</td>
                        <td>{fmt.number(r.costMad)}</td>
                        <td>{fmt.number(r.co2Kg)}</td>
                        <td>{fmt.number(r.savingsKwh)}</td>
                        <td>{t(`lighting.energy.source.${r.source}`)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </section>
            </>
          )}
        </>
      )}
      <RetrofitForm />
    </>
  );
}

/** Key figures, each a label (a message key) over its value. */
function Figures({ items, testId }: { items: [key: string, value: string][]; testId?: string }) {
  const t = useT();
  return (
    <dl className="energy-totals" data-testid={testId}>
      {items.map(([key, value]) => (
        <div key={key}>
          <dt>{t(key)}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

interface Bar {
  key: string;
  label: string;
  value: number;
}

const ROW = 28;
const VALUE = 64;

/** The width of an element in CSS pixels, followed as it changes (so the chart draws at 1:1, legible on a phone). */
function useWidth<T extends HTMLElement>(initial: number) {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(initial);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.round(entry.contentRect.width));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return { ref, width };
}

/**
 * Horizontal bars, one per unit, drawn as SVG: labels at the start side, bars growing toward the
 * end side (right to left in Arabic), the value after each bar. Hidden from screen readers as a
 * picture with a title; the table below holds the same figures.
 */
function BarChart({ title, bars, rtl, format }: { title: string; bars: Bar[]; rtl: boolean; format(n: number): string }) {
  const { ref, width } = useWidth<HTMLElement>(640);
  const labelWidth = Math.min(140, Math.round(width * 0.3));
  const max = Math.max(...bars.map((b) => b.value), 0);
  const span = Math.max(0, width - labelWidth - VALUE);
  const x = (from: number, w: number) => (rtl ? width - from - w : from);
  const height = bars.length * ROW + 8;
  return (
    <figure className="energy-chart" data-testid="energy-chart" ref={ref}>
      <figcaption>{title}</figcaption>
      <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title}>
        {bars.map((b, i) => {
          const w = max > 0 ? Math.max(1, (b.value / max) * span) : 0;
          const y = 4 + i * ROW;
          return (
            <g key={b.key}>
              <text
                x={x(labelWidth - 8, 0)}
                y={y + ROW / 2}
                textAnchor="end"
                dominantBaseline="middle"
                className="bar-label"
                direction={rtl ? 'rtl' : 'ltr'}
              >
                {b.label.length > 16 ? `${b.label.slice(0, 15)}…` : b.label}
              </text>
              <rect x={x(labelWidth, w)} y={y + 4} width={w} height={ROW - 8} rx={3} className="bar" />
              <text
                x={x(labelWidth + w + 6, 0)}
                y={y + ROW / 2}
                textAnchor="start"
                dominantBaseline="middle"
                className="bar-value"
                direction={rtl ? 'rtl' : 'ltr'}
              >
                {format(b.value)}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

/** The retrofit simulator: what replacing N lamps would save a year, at the commune's tariff. */
function RetrofitForm() {
  const t = useT();
  const fmt = useFormat();
  const retrofit = useRetrofit();
  const [from, setFrom] = useState<{ technology: Technology; watts: string; count: string }>({
    technology: 'HPS',
    watts: '150',
    count: '100',
  });
  const [to, setTo] = useState<{ technology: Technology; watts: string; price: string }>({ technology: 'LED', watts: '60', price: '' });
  const [hours, setHours] = useState('');
  const errors = fieldErrorsOf(retrofit.error);
  const techOptions: Option<Technology>[] = TECHNOLOGIES.map((s) => ({
    id: s,
    label: t(`lighting.technology.${s}`),
    text: t.text(`lighting.technology.${s}`),
  }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    retrofit.mutate({
      from: { technology: from.technology, watts: Number(from.watts), count: Number(from.count) },
      to: { technology: to.technology, watts: Number(to.watts), priceMadPerUnit: Number(to.price) },
      ...(hours.trim() ? { hoursPerYear: Number(hours) } : {}),
    });
  };
  const r = retrofit.data;
  return (
    <section className="retrofit" aria-labelledby="retrofit-title">
      <h2 id="retrofit-title">{t('lighting.retrofit.title')}</h2>
      <p className="field-hint">{t('lighting.retrofit.intro')}</p>
      <form onSubmit={submit} className="retrofit-form" noValidate>
        <fieldset>
          <legend>{t('lighting.retrofit.from')}</legend>
          <SelectField
            label={t('lighting.field.technology')}
            value={from.technology}
            onChange={(v) => setFrom({ ...from, technology: v })}
            options={techOptions}
          />
          <TextInput
            label={t('lighting.retrofit.watts')}
            value={from.watts}
            onChange={(v) => setFrom({ ...from, watts: v })}
            error={errors['/body/from/watts']}
          />
          <TextInput
            label={t('lighting.retrofit.count')}
            value={from.count}
            onChange={(v) => setFrom({ ...from, count: v })}
            error={errors['/body/from/count']}
          />
        </fieldset>
        <fieldset>
          <legend>{t('lighting.retrofit.to')}</legend>
          <SelectField
            label={t('lighting.field.technology')}
            value={to.technology}
            onChange={(v) => setTo({ ...to, technology: v })}
            options={techOptions}
          />
          <TextInput
            label={t('lighting.retrofit.watts')}
            value={to.watts}
            onChange={(v) => setTo({ ...to, watts: v })}
            error={errors['/body/to/watts']}
          />
          <TextInput
            label={t('lighting.retrofit.price')}
            value={to.price}
            onChange={(v) => setTo({ ...to, price: v })}
            error={errors['/body/to/priceMadPerUnit']}
          />
        </fieldset>
        <TextInput
          label={t('lighting.retrofit.hours')}
          description={t('lighting.retrofit.hoursHint')}
          value={hours}
          onChange={setHours}
          error={errors['/body/hoursPerYear']}
        />
        <FormProblem
          error={retrofit.error}
          shownFields={['/body/from/watts', '/body/from/count', '/body/to/watts', '/body/to/priceMadPerUnit', '/body/hoursPerYear']}
        />
        <Button type="submit" className="button" isPending={retrofit.isPending}>
          {t('lighting.retrofit.submit')}
        </Button>
      </form>
      <div aria-live="polite">
        {r ? (
          <div data-testid="retrofit-result">
            <Figures
              items={[
                ['lighting.retrofit.kwhBefore', fmt.number(r.kwhPerYearBefore)],
                ['lighting.retrofit.kwhAfter', fmt.number(r.kwhPerYearAfter)],
                ['lighting.retrofit.madSaved', fmt.number(r.madPerYearSaved)],
                ['lighting.retrofit.co2Saved', fmt.number(r.co2KgPerYearSaved)],
                ['lighting.retrofit.investment', fmt.number(r.investmentMad)],
                [
                  'lighting.retrofit.payback',
                  r.paybackYears === null
                    ? t.text('lighting.retrofit.noPayback')
                    : t.text('lighting.retrofit.years', { years: fmt.number(r.paybackYears) }),
                ],
              ]}
            />
            <p className="field-hint">
              {t('lighting.retrofit.basis', { hours: fmt.number(r.hoursPerYear), price: fmt.number(r.priceMadPerKwh) })}
              {r.tariffIsExample ? ` ${t.text('lighting.energy.exampleTariff')}` : ''}
            </p>
          </div>
        ) : null}
      </div>
    </section>
  );
}
