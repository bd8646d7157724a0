/** /office/gis/new: a new layer — its code, titles, geometry type, typed attribute schema and visibility. */
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { Link, useNavigate } from 'react-router';
import { Icon } from '../../shared/Icon';
import { type Multilingual, useMultilingual, useT } from '../../shared/i18n';
import { useDocumentTitle } from '../../shared/page';
import {
  CheckboxField,
  cleanMultilingual,
  errorsUnder,
  FormProblem,
  fieldErrorsOf,
  MultilingualInput,
  type Option,
  SelectField,
  TextInput,
} from '../forms';
import './gis.css';
import { ATTRIBUTE_TYPES, type AttributeType, GEOMETRY_TYPES, type GeometryType, useCreateLayer } from './gis-api';

interface AttributeRow {
  key: number;
  name: string;
  type: AttributeType;
  title: Multilingual;
  required: boolean;
}

let rowKey = 0;
const NO_TIME = '-';

export function LayerForm() {
  const t = useT();
  const ml = useMultilingual();
  const navigate = useNavigate();
  const create = useCreateLayer();
  const [code, setCode] = useState('');
  const [title, setTitle] = useState<Multilingual>({});
  const [geometryType, setGeometryType] = useState<GeometryType>('Point');
  const [attributes, setAttributes] = useState<AttributeRow[]>([]);
  const [isPublic, setPublic] = useState(false);
  const [timeAttribute, setTimeAttribute] = useState(NO_TIME);
  const errors = fieldErrorsOf(create.error);
  useDocumentTitle(t.text('gis.create.title'));

  const update = (key: number, change: Partial<AttributeRow>) =>
    setAttributes(attributes.map((a) => (a.key === key ? { ...a, ...change } : a)));
  const move = (index: number, by: -1 | 1) => {
    const next = [...attributes];
    const [row] = next.splice(index, 1);
    if (row) next.splice(index + by, 0, row);
    setAttributes(next);
  };
  const timeOptions: Option<string>[] = [
    { id: NO_TIME, label: t('gis.create.noTime'), text: t.text('gis.create.noTime') },
    ...attributes
      .filter((a) => (a.type === 'date' || a.type === 'datetime') && a.name)
      .map((a) => ({ id: a.name, label: ml(a.title) || a.name, text: ml.text(a.title) || a.name })),
  ];
  const geometryOptions = GEOMETRY_TYPES.map((g) => ({ id: g, label: t(`gis.geometry.${g}`), text: t.text(`gis.geometry.${g}`) }));
  const typeOptions = ATTRIBUTE_TYPES.map((a) => ({ id: a, label: t(`gis.attribute.type.${a}`), text: t.text(`gis.attribute.type.${a}`) }));

  const handleSubmit = () => {
    create.mutate(
      {
        code: code.trim(),
        title: cleanMultilingual(title),
        geometryType,
        attributes: attributes.map((a) => ({ name: a.name.trim(), type: a.type, title: cleanMultilingual(a.title), required: a.required })),
        isPublic,
        timeAttribute: timeOptions.some((o) => o.id === timeAttribute) && timeAttribute !== NO_TIME ? timeAttribute : null,
      },
      { onSuccess: (layer) => navigate(`/office/gis/layers/${layer.code}`) },
    );
  };

  return (
    <>
      <h1>{t('gis.create.title')}</h1>
      <p>
        <Link to="/office/gis">{t('gis.backToLayers')}</Link>
      </p>
      <Form
        validationBehavior="aria"
        onSubmit={(event) => {
          event.preventDefault();
          handleSubmit();
        }}
      >
        {create.error ? (
          <FormProblem error={create.error} shownFields={['code', 'title', 'geometryType', 'attributes', 'isPublic', 'timeAttribute']} />
        ) : null}
        <TextInput
          label={t('gis.create.code')}
          value={code}
          onChange={setCode}
          error={errors.code}
          description={t('gis.create.codeHint')}
          dir="ltr"
          autoComplete="off"
          isRequired
          maxLength={63}
        />
        <MultilingualInput legend={t('gis.create.layerTitle')} value={title} onChange={setTitle} errors={errorsUnder(errors, 'title')} />
        <SelectField
          label={t('gis.create.geometryType')}
          value={geometryType}
          onChange={setGeometryType}
          options={geometryOptions}
          error={errors.geometryType}
        />
        <fieldset className="ml-fieldset">
          <legend>{t('gis.create.attributes')}</legend>
          <p className="field-hint">{t('gis.create.attributesHint')}</p>
          {errors.attributes ? <p className="field-error">{errors.attributes}</p> : null}
          {attributes.length === 0 ? <p className="empty">{t('gis.create.noAttributes')}</p> : null}
          <ol className="gis-attributes">
            {attributes.map((a, index) => {
              const rowErrors = errorsUnder(errors, `attributes.${index}`);
              const name = a.name || t.text('gis.create.attributeN', { n: index + 1 });
              return (
                <li key={a.key} className="gis-attribute">
                  <div className="field-row">
                    <TextInput
                      label={t('gis.create.attributeName')}
                      value={a.name}
                      onChange={(value) => update(a.key, { name: value })}
                      error={rowErrors.name ?? rowErrors['']}
                      dir="ltr"
                      autoComplete="off"
                      isRequired
                      maxLength={63}
                    />
                    <SelectField
                      label={t('gis.create.attributeType')}
                      value={a.type}
                      onChange={(type) => update(a.key, { type })}
                      options={typeOptions}
                      error={rowErrors.type}
                    />
                  </div>
                  <MultilingualInput
                    legend={t('gis.create.attributeTitle', { name })}
                    value={a.title}
                    onChange={(value) => update(a.key, { title: value })}
                    errors={errorsUnder(rowErrors, 'title')}
                  />
                  <CheckboxField
                    label={t('gis.create.attributeRequired')}
                    isSelected={a.required}
                    onChange={(required) => update(a.key, { required })}
                  />
                  <div className="gis-attribute-actions">
                    <Button
                      className="button button-quiet button-small"
                      isDisabled={index === 0}
                      onPress={() => move(index, -1)}
                      aria-label={t.text('gis.create.moveUp', { name })}
                    >
                      {t('gis.create.up')}
                    </Button>
                    <Button
                      className="button button-quiet button-small"
                      isDisabled={index === attributes.length - 1}
                      onPress={() => move(index, 1)}
                      aria-label={t.text('gis.create.moveDown', { name })}
                    >
                      {t('gis.create.down')}
                    </Button>
                    <Button
                      className="button button-quiet button-small danger-text"
                      onPress={() => setAttributes(attributes.filter((x) => x.key !== a.key))}
                      aria-label={t.text('gis.create.remove', { name })}
                    >
                      {t('common.action.remove')}
                    </Button>
                  </div>
                </li>
              );
            })}
          </ol>
          <Button
            className="button button-secondary"
            onPress={() => setAttributes([...attributes, { key: rowKey++, name: '', type: 'string', title: {}, required: false }])}
          >
            <Icon name="plus" size={20} />
            {t('gis.create.addAttribute')}
          </Button>
        </fieldset>
        <CheckboxField label={t('gis.create.public')} isSelected={isPublic} onChange={setPublic} />
        <p className="field-hint">{t('gis.create.publicHint')}</p>
        <SelectField
          label={t('gis.create.timeAttribute')}
          value={timeAttribute}
          onChange={setTimeAttribute}
          options={timeOptions}
          error={errors.timeAttribute}
        />
        <div className="form-actions sticky-actions">
          <Button type="submit" className="button" isPending={create.isPending}>
            {t('gis.create.submit')}
          </Button>
          <Link className="button button-secondary" to="/office/gis">
            {t('common.action.cancel')}
          </Link>
        </div>
      </Form>
    </>
  );
}
