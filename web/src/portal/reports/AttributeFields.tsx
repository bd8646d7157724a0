/** A category's questions (Open311 service attributes) as form controls, one per datatype. */
import type { ReactNode } from 'react';
import { useMultilingual } from '../../shared/i18n';
import { ChoiceField, TextField } from './fields';
import type { Attribute } from './reports-api';
import { LIMITS, type RawAnswers } from './validate';

interface AttributeFieldsProps {
  attributes: readonly Attribute[];
  values: RawAnswers;
  onChange(code: string, value: string | string[]): void;
  /** Problems by attribute code (client checks, or the server's by pointer /body/attributes/<code>). */
  errors: Record<string, ReactNode>;
}

export function AttributeFields({ attributes, values, onChange, errors }: AttributeFieldsProps) {
  const ml = useMultilingual();
  return (
    <>
      {attributes.map((a) => {
        const label = ml(a.description) || a.code;
        const value = values[a.code];
        const text = Array.isArray(value) ? value.join(', ') : (value ?? '');
        const common = { label, error: errors[a.code], required: a.required, id: `attribute-${a.code}` };
        switch (a.datatype) {
          case 'singlevaluelist':
          case 'multivaluelist':
            return (
              <ChoiceField
                key={a.code}
                name={`attribute-${a.code}`}
                legend={label}
                multiple={a.datatype === 'multivaluelist'}
                required={a.required}
                error={errors[a.code]}
                value={value ?? (a.datatype === 'multivaluelist' ? [] : '')}
                options={(a.values ?? []).map((v) => ({ value: v.key, label: ml(v.name) || v.key }))}
                onChange={(next) => onChange(a.code, next)}
              />
            );
          case 'number':
            return (
              <TextField
                key={a.code}
                {...common}
                value={text}
                inputMode="decimal"
                dir="ltr"
                className="field-short"
                onChange={(next) => onChange(a.code, next)}
              />
            );
          case 'datetime':
            return (
              <TextField
                key={a.code}
                {...common}
                type="datetime-local"
                value={text}
                className="field-short"
                onChange={(next) => onChange(a.code, next)}
              />
            );
          case 'text':
            return (
              <TextField
                key={a.code}
                {...common}
                multiline
                rows={3}
                value={text}
                maxLength={LIMITS.descriptionMax}
                onChange={(next) => onChange(a.code, next)}
              />
            );
          default:
            return (
              <TextField
                key={a.code}
                {...common}
                value={text}
                maxLength={LIMITS.attributeValueMax}
                onChange={(next) => onChange(a.code, next)}
              />
            );
        }
      })}
    </>
  );
}
