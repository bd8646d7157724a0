/**
 * A procedure's typed questions (procedure.ts `Field`) as native form controls, one per type:
 * text, long text, number, date, choice, national ID number (CNIE), address on the map. File
 * fields are documents: the documents step asks for them. Used by the portal's form and by the
 * office's counter.
 */
import { type ReactNode, Suspense } from 'react';
import { type AddressAnswer, FIELD_LIMITS, type Field } from '../../../../src/modules/eservices/procedure';
import { ErrorBoundary } from '../../shared/ErrorBoundary';
import { Icon } from '../../shared/Icon';
import { useMultilingual, useT } from '../../shared/i18n';
import { lazyRetry } from '../../shared/lazy';
import { ChoiceField, SelectField, TextField } from '../reports/fields';
import type { RawAnswer } from './apply-form';
import { ltr } from './service-bits';

// MapLibre comes only with an address question, never with the rest of the form.
const PlacePicker = lazyRetry(() => import('../reports/PlacePicker'));

interface ProcedureFieldsProps {
  fields: readonly Field[];
  values: Record<string, RawAnswer>;
  onChange(key: string, value: RawAnswer | undefined): void;
  /** Problems by field key (client checks, or the server's by pointer /body/answers/<key>). */
  errors: Record<string, ReactNode>;
}

export function ProcedureFields({ fields, values, onChange, errors }: ProcedureFieldsProps) {
  const t = useT();
  const ml = useMultilingual();
  return (
    <>
      {fields
        .filter((f) => f.type !== 'file')
        .map((f) => {
          const label = ml(f.label) || f.key;
          const value = values[f.key];
          const text = typeof value === 'string' ? value : '';
          const common = {
            label,
            hint: ml(f.help) || undefined,
            error: errors[f.key],
            required: f.required,
            id: `answer-${f.key}`,
            onChange: (next: string) => onChange(f.key, next),
          };
          switch (f.type) {
            case 'textarea':
              return (
                <TextField
                  key={f.key}
                  {...common}
                  multiline
                  rows={4}
                  counter
                  value={text}
                  maxLength={f.maxLength ?? FIELD_LIMITS.textareaMax}
                />
              );
            case 'number':
              return (
                <TextField
                  key={f.key}
                  {...common}
                  hint={common.hint ?? rangeHint(t.text, f)}
                  value={text}
                  inputMode="decimal"
                  dir="ltr"
                  className="field-short"
                />
              );
            case 'date':
              return <TextField key={f.key} {...common} type="date" value={text} className="field-short" />;
            case 'cin':
              return (
                <TextField
                  key={f.key}
                  {...common}
                  hint={common.hint ?? t('services.form.cinHint', { example: ltr('AB123456') })}
                  value={text}
                  dir="ltr"
                  autoComplete="off"
                  className="field-short"
                  maxLength={12}
                />
              );
            case 'choice': {
              const options = (f.options ?? []).map((o) => ({ value: o.key, label: ml(o.label) || o.key }));
              // A few choices are radios (seen at once, large to touch); a long list is a select.
              if (options.length <= 6)
                return (
                  <ChoiceField
                    key={f.key}
                    name={`answer-${f.key}`}
                    legend={label}
                    multiple={false}
                    required={f.required}
                    error={errors[f.key]}
                    value={text}
                    options={options}
                    onChange={(next) => onChange(f.key, Array.isArray(next) ? next[0] : next)}
                  />
                );
              return (
                <SelectField key={f.key} {...common} value={text}>
                  <option value="">{t('services.form.choose')}</option>
                  {options.map((o) => (
                    <option key={o.value} value={o.value}>
                      {ml.text((f.options ?? []).find((x) => x.key === o.value)?.label) || o.value}
                    </option>
                  ))}
                </SelectField>
              );
            }
            case 'address':
              return (
                <AddressField
                  key={f.key}
                  field={f}
                  label={label}
                  help={ml(f.help)}
                  value={typeof value === 'object' ? value : undefined}
                  error={errors[f.key]}
                  onChange={(next) => onChange(f.key, next)}
                />
              );
            default:
              return <TextField key={f.key} {...common} value={text} maxLength={f.maxLength ?? FIELD_LIMITS.textMax} />;
          }
        })}
    </>
  );
}

function rangeHint(text: (key: string, values?: Record<string, string | number>) => string, f: Field): string | undefined {
  if (typeof f.min === 'number' && typeof f.max === 'number') return text('services.form.between', { min: f.min, max: f.max });
  if (typeof f.min === 'number') return text('services.form.atLeast', { min: f.min });
  if (typeof f.max === 'number') return text('services.form.atMost', { max: f.max });
  return undefined;
}

/** An address: a point on the commune's map (tap, drag, or the map's centre by keyboard) and, optionally, words. */
function AddressField({
  field,
  label,
  help,
  value,
  error,
  onChange,
}: {
  field: Field;
  label: ReactNode;
  help: ReactNode;
  value: AddressAnswer | undefined;
  error: ReactNode;
  onChange(value: AddressAnswer | undefined): void;
}) {
  const t = useT();
  const errorId = `answer-${field.key}-error`;
  const point = value ? { lat: value.lat, lon: value.lon } : null;
  return (
    <fieldset className="field address-field" data-invalid={error ? true : undefined} aria-describedby={error ? errorId : undefined}>
      <legend className="field-label">
        {label}
        {field.required ? null : <span className="field-optional"> {t('portal.reports.field.optional')}</span>}
      </legend>
      <p className="field-hint">{help || t('services.form.addressHint')}</p>
      <ErrorBoundary>
        <Suspense fallback={<div className="map-placeholder map-picker-placeholder" aria-busy="true" />}>
          <PlacePicker value={point} onChange={(p) => onChange({ ...(value?.text ? { text: value.text } : {}), lat: p.lat, lon: p.lon })} />
        </Suspense>
      </ErrorBoundary>
      <div className="chosen-point">
        <p role="status" className={point ? undefined : 'muted'}>
          {point ? (
            <>
              <Icon name="pin" size={20} />
              {t('services.form.pointChosen', { point: ltr(`${point.lat.toFixed(5)},\u00A0${point.lon.toFixed(5)}`) })}
            </>
          ) : (
            t('services.form.noPoint')
          )}
        </p>
        {point ? (
          <button type="button" className="button button-quiet button-small" onClick={() => onChange(undefined)}>
            {t('services.form.clearPoint')}
          </button>
        ) : null}
      </div>
      {/* Words about the place (a landmark, a plot number) once it is on the map. */}
      {value ? (
        <TextField
          id={`answer-${field.key}-text`}
          label={t('services.form.addressText')}
          value={value.text ?? ''}
          maxLength={FIELD_LIMITS.textMax}
          autoComplete="street-address"
          onChange={(text) => {
            const { text: _old, ...rest } = value;
            onChange(text === '' ? rest : { ...rest, text });
          }}
        />
      ) : null}
      {error ? (
        <p id={errorId} className="field-error">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
