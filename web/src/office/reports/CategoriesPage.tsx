/** /office/categories: what citizens can report, and the editor of one category with its questions. */
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { LIMITS } from '../../../../src/platform/limits';
import { Icon } from '../../shared/Icon';
import { type Multilingual, useMultilingual, useT } from '../../shared/i18n';
import { ProblemMessage } from '../../shared/ProblemMessage';
import { NotFoundPage, useDocumentTitle } from '../../shared/page';
import {
  CheckboxField,
  cleanMultilingual,
  errorsUnder,
  FormProblem,
  fieldErrorsOf,
  LanguageColumns,
  MultilingualInput,
  type Option,
  SelectField,
  TextInput,
} from '../forms';
import { departmentTree, flattenTree, useDepartments } from '../org-api';
import './reports.css';
import { type Category, useReportCategories, useSaveCategory } from './reports-api';

type Attribute = Category['attributes'][number];
type Datatype = Attribute['datatype'];
const DATATYPES = ['string', 'text', 'number', 'datetime', 'singlevaluelist', 'multivaluelist'] as const satisfies readonly Datatype[];
const isList = (d: Datatype) => d === 'singlevaluelist' || d === 'multivaluelist';

export function CategoriesPage() {
  const t = useT();
  const ml = useMultilingual();
  const categories = useReportCategories(true);
  useDocumentTitle(t.text('office.nav.categories'));
  return (
    <>
      <div className="page-head">
        <h1>{t('office.nav.categories')}</h1>
        <Link className="button" to="/office/categories/new">
          <Icon name="plus" size={20} />
          {t('office.categories.create')}
        </Link>
      </div>
      <p className="lead">{t('office.categories.lead')}</p>
      {categories.isError ? (
        <ProblemMessage error={categories.error} onRetry={() => void categories.refetch()} />
      ) : categories.isPending ? (
        <p className="loading-line" role="status">
          {t('common.loading')}
        </p>
      ) : categories.data.length === 0 ? (
        <p className="empty">{t('office.categories.empty')}</p>
      ) : (
        <ul className="record-list">
          {categories.data.map((c) => (
            <li key={c.id} className={c.enabled ? 'record' : 'record record-inactive'}>
              <div className="record-main">
                <p className="record-title">
                  {ml(c.name)}
                  <span className={c.isPublic ? 'badge badge-public' : 'badge badge-internal'}>
                    {t(c.isPublic ? 'office.categories.public' : 'office.categories.private')}
                  </span>
                  {c.enabled ? null : <span className="badge">{t('office.categories.disabled')}</span>}
                  {c.isDemo ? <span className="badge badge-demo">{t('common.demo.badge')}</span> : null}
                </p>
                <p className="record-meta">
                  <code dir="ltr">{c.code}</code> · {t('office.categories.groupIs', { group: c.group })} · {ml(c.department.name)}
                </p>
                <p className="record-meta">
                  {t('office.categories.targetIs', { hours: c.targetHours })} ·{' '}
                  {t('office.categories.questionCount', { count: c.attributes.length })}
                </p>
              </div>
              <Link
                className="button button-secondary button-small"
                to={`/office/categories/${c.id}`}
                aria-label={t.text('office.categories.editNamed', { name: ml.text(c.name) })}
              >
                {t('common.action.edit')}
              </Link>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** /office/categories/new and /office/categories/:id */
export function CategoryEditor() {
  const t = useT();
  const { id } = useParams();
  const location = useLocation();
  const categories = useReportCategories(true);
  const existing = id ? categories.data?.find((c) => c.id === id) : undefined;
  if (id && !existing) {
    if (categories.isError) return <ProblemMessage error={categories.error} onRetry={() => void categories.refetch()} />;
    if (categories.isPending || categories.isFetching)
      return (
        <p className="loading-line" role="status">
          {t('common.loading')}
        </p>
      );
    return <NotFoundPage home="/office/categories" />;
  }
  const justSaved = (location.state as { saved?: boolean } | null)?.saved === true;
  return <CategoryForm key={existing?.id ?? 'new'} existing={existing ?? null} justSaved={justSaved} />;
}

interface ValueDraft {
  rowKey: string;
  key: string;
  name: Multilingual;
}
interface QuestionDraft {
  rowKey: string;
  code: string;
  datatype: Datatype;
  required: boolean;
  description: Multilingual;
  values: ValueDraft[];
}

let rowKeys = 0;
const nextRowKey = () => `row-${++rowKeys}`;

function draftOf(a: Attribute): QuestionDraft {
  return {
    rowKey: nextRowKey(),
    code: a.code,
    datatype: a.datatype,
    required: a.required,
    description: a.description,
    values: (a.values ?? []).map((v) => ({ rowKey: nextRowKey(), key: v.key, name: v.name })),
  };
}

function CategoryForm({ existing, justSaved }: { existing: Category | null; justSaved: boolean }) {
  const t = useT();
  const ml = useMultilingual();
  const navigate = useNavigate();
  const save = useSaveCategory();
  const departments = useDepartments();
  const [code, setCode] = useState(existing?.code ?? '');
  const [group, setGroup] = useState(existing?.group ?? '');
  const [departmentId, setDepartmentId] = useState(existing?.department.id ?? '');
  const [targetHours, setTargetHours] = useState(String(existing?.targetHours ?? 72));
  const [name, setName] = useState<Multilingual>(existing?.name ?? {});
  const [description, setDescription] = useState<Multilingual>(existing?.description ?? {});
  const [keywords, setKeywords] = useState((existing?.keywords ?? []).join(', '));
  const [isPublic, setPublic] = useState(existing?.isPublic ?? true);
  const [enabled, setEnabled] = useState(existing?.enabled ?? true);
  const [questions, setQuestions] = useState<QuestionDraft[]>(() => (existing?.attributes ?? []).map(draftOf));
  const [saved, setSaved] = useState(justSaved);
  const errors = fieldErrorsOf(save.error);
  useDocumentTitle(existing ? t.text('office.categories.editNamed', { name: ml.text(existing.name) }) : t.text('office.categories.create'));

  const departmentOptions: Option<string>[] = flattenTree(departmentTree(departments.data ?? [])).map((d) => ({
    id: d.id,
    label: <span style={{ paddingInlineStart: `${d.depth}rem` }}>{ml(d.name)}</span>,
    text: ml.text(d.name),
  }));
  if (departmentId === '')
    departmentOptions.unshift({
      id: '',
      label: t('office.categories.chooseDepartment'),
      text: t.text('office.categories.chooseDepartment'),
    });

  const setQuestion = (i: number, change: Partial<QuestionDraft>) =>
    setQuestions(questions.map((q, j) => (j === i ? { ...q, ...change } : q)));
  const moveQuestion = (i: number, by: -1 | 1) => {
    const next = [...questions];
    const [q] = next.splice(i, 1);
    if (q) next.splice(i + by, 0, q);
    setQuestions(next);
  };

  const handleSave = () => {
    setSaved(false);
    const fields = {
      group: group.trim(),
      departmentId,
      name: cleanMultilingual(name),
      description: Object.keys(cleanMultilingual(description)).length > 0 ? cleanMultilingual(description) : null,
      keywords: keywords
        .split(/[,،]/)
        .map((k) => k.trim())
        .filter(Boolean),
      targetHours: Number(targetHours),
      isPublic,
      enabled,
      attributes: questions.map((q, order) => ({
        code: q.code.trim(),
        datatype: q.datatype,
        required: q.required,
        description: cleanMultilingual(q.description),
        order,
        ...(isList(q.datatype) ? { values: q.values.map((v) => ({ key: v.key.trim(), name: cleanMultilingual(v.name) })) } : {}),
      })),
    };
    const onSuccess = (category: Category) => {
      setSaved(true);
      if (!existing) navigate(`/office/categories/${category.id}`, { replace: true, state: { saved: true } });
    };
    if (existing) save.mutate({ id: existing.id, body: fields }, { onSuccess });
    else save.mutate({ id: null, body: { code: code.trim(), ...fields } }, { onSuccess });
  };

  const datatypeOptions: Option<Datatype>[] = DATATYPES.map((d) => ({
    id: d,
    label: t(`office.categories.datatype.${d}`),
    text: t.text(`office.categories.datatype.${d}`),
  }));

  return (
    <>
      <p className="back-link">
        <Link to="/office/categories">
          <Icon name="chevron" size={18} />
          {t('office.categories.backToList')}
        </Link>
      </p>
      <h1>{existing ? t('office.categories.editNamed', { name: ml.text(existing.name) }) : t('office.categories.create')}</h1>
      <Form
        validationBehavior="aria"
        onSubmit={(event) => {
          event.preventDefault();
          handleSave();
        }}
      >
        {save.error ? (
          <FormProblem
            error={save.error}
            shownFields={['code', 'group', 'departmentId', 'targetHours', 'name', 'description', 'keywords', 'attributes']}
          />
        ) : null}
        <p className="field-hint">{t('office.categories.languagesHint')}</p>
        {errors.name ? <p className="field-error">{errors.name}</p> : null}
        <LanguageColumns
          errors={errors}
          fields={[
            { name: 'name', label: t('office.categories.name'), value: name, onChange: setName, maxLength: LIMITS.nameMax },
            {
              name: 'description',
              label: t('office.categories.description'),
              value: description,
              onChange: setDescription,
              maxLength: LIMITS.descriptionMax,
              multiline: true,
            },
          ]}
        />
        <fieldset className="ml-fieldset">
          <legend>{t('office.categories.settings')}</legend>
          <div className="field-row">
            {existing ? (
              <div className="field">
                <span className="field-label">{t('office.categories.code')}</span>
                <code dir="ltr" className="code-value">
                  {existing.code}
                </code>
              </div>
            ) : (
              <TextInput
                label={t('office.categories.code')}
                value={code}
                onChange={setCode}
                error={errors.code}
                description={t('office.categories.codeHint')}
                isRequired
                maxLength={LIMITS.codeMax}
                dir="ltr"
              />
            )}
            <TextInput
              label={t('office.categories.group')}
              value={group}
              onChange={setGroup}
              error={errors.group}
              description={t('office.categories.groupHint')}
              isRequired
              maxLength={LIMITS.codeMax}
              dir="ltr"
            />
            <SelectField
              label={t('office.categories.department')}
              value={departmentId}
              onChange={setDepartmentId}
              options={departmentOptions}
              error={errors.departmentId}
            />
            <TextInput
              label={t('office.categories.targetHours')}
              type="number"
              value={targetHours}
              onChange={setTargetHours}
              error={errors.targetHours}
              description={t('office.categories.targetHoursHint')}
              isRequired
            />
          </div>
          <TextInput
            label={t('office.categories.keywords')}
            value={keywords}
            onChange={setKeywords}
            error={errors.keywords}
            description={t('office.categories.keywordsHint')}
            dir="auto"
          />
          <div className="checks">
            <CheckboxField label={t('office.categories.isPublic')} isSelected={isPublic} onChange={setPublic} />
            <p className="field-hint">{t('office.categories.isPublicHint')}</p>
            <CheckboxField label={t('office.categories.enabled')} isSelected={enabled} onChange={setEnabled} />
            <p className="field-hint">{t('office.categories.enabledHint')}</p>
          </div>
        </fieldset>
        <section className="section" aria-labelledby="questions-title">
          <h2 id="questions-title">{t('office.categories.questions')}</h2>
          <p className="field-hint">{t('office.categories.questionsHint')}</p>
          {errors.attributes ? <p className="field-error">{errors.attributes}</p> : null}
          {questions.length === 0 ? <p className="empty">{t('office.categories.noQuestions')}</p> : null}
          <ol className="question-list">
            {questions.map((q, i) => {
              const qErrors = errorsUnder(errors, `attributes.${i}`);
              const n = i + 1;
              return (
                <li key={q.rowKey} className="question">
                  <fieldset className="ml-fieldset">
                    <legend>{t('office.categories.questionN', { n })}</legend>
                    {qErrors[''] ? <p className="field-error">{qErrors['']}</p> : null}
                    <div className="field-row">
                      <TextInput
                        label={t('office.categories.questionCode')}
                        value={q.code}
                        onChange={(c) => setQuestion(i, { code: c })}
                        error={qErrors.code}
                        description={t('office.categories.questionCodeHint')}
                        isRequired
                        maxLength={LIMITS.codeMax}
                        dir="ltr"
                      />
                      <SelectField
                        label={t('office.categories.datatypeLabel')}
                        value={q.datatype}
                        onChange={(datatype) =>
                          setQuestion(i, {
                            datatype,
                            values: isList(datatype) && q.values.length === 0 ? [{ rowKey: nextRowKey(), key: '', name: {} }] : q.values,
                          })
                        }
                        options={datatypeOptions}
                        error={qErrors.datatype}
                      />
                    </div>
                    <CheckboxField
                      label={t('office.categories.required')}
                      isSelected={q.required}
                      onChange={(required) => setQuestion(i, { required })}
                    />
                    <MultilingualInput
                      legend={t('office.categories.questionText')}
                      value={q.description}
                      onChange={(description) => setQuestion(i, { description })}
                      errors={errorsUnder(qErrors, 'description')}
                    />
                    {isList(q.datatype) ? (
                      <div className="values">
                        <h3>{t('office.categories.values')}</h3>
                        {qErrors.values ? <p className="field-error">{qErrors.values}</p> : null}
                        <ol className="value-list">
                          {q.values.map((v, k) => {
                            const vErrors = errorsUnder(qErrors, `values.${k}`);
                            const setValue = (change: Partial<ValueDraft>) =>
                              setQuestion(i, { values: q.values.map((x, m) => (m === k ? { ...x, ...change } : x)) });
                            return (
                              <li key={v.rowKey} className="value-row">
                                <TextInput
                                  label={t('office.categories.valueKey', { n: k + 1 })}
                                  value={v.key}
                                  onChange={(key) => setValue({ key })}
                                  error={vErrors.key}
                                  isRequired
                                  maxLength={LIMITS.codeMax}
                                  dir="ltr"
                                  className="field-short"
                                />
                                <MultilingualInput
                                  legend={t('office.categories.valueName', { n: k + 1 })}
                                  value={v.name}
                                  onChange={(nameOfValue) => setValue({ name: nameOfValue })}
                                  errors={errorsUnder(vErrors, 'name')}
                                />
                                <Button
                                  className="button button-quiet button-small danger-text"
                                  onPress={() => setQuestion(i, { values: q.values.filter((_, m) => m !== k) })}
                                  aria-label={t.text('office.categories.removeValueN', { n: k + 1, question: n })}
                                >
                                  {t('common.action.remove')}
                                </Button>
                              </li>
                            );
                          })}
                        </ol>
                        <Button
                          className="button button-secondary button-small"
                          onPress={() => setQuestion(i, { values: [...q.values, { rowKey: nextRowKey(), key: '', name: {} }] })}
                        >
                          <Icon name="plus" size={18} />
                          {t('office.categories.addValue')}
                        </Button>
                      </div>
                    ) : null}
                    <div className="form-actions question-actions">
                      <Button
                        className="button button-quiet button-small"
                        isDisabled={i === 0}
                        onPress={() => moveQuestion(i, -1)}
                        aria-label={t.text('office.categories.moveUpN', { n })}
                      >
                        {t('office.categories.moveUp')}
                      </Button>
                      <Button
                        className="button button-quiet button-small"
                        isDisabled={i === questions.length - 1}
                        onPress={() => moveQuestion(i, 1)}
                        aria-label={t.text('office.categories.moveDownN', { n })}
                      >
                        {t('office.categories.moveDown')}
                      </Button>
                      <Button
                        className="button button-quiet button-small danger-text"
                        onPress={() => setQuestions(questions.filter((_, j) => j !== i))}
                        aria-label={t.text('office.categories.removeQuestionN', { n })}
                      >
                        {t('office.categories.removeQuestion')}
                      </Button>
                    </div>
                  </fieldset>
                </li>
              );
            })}
          </ol>
          <Button
            className="button button-secondary"
            isDisabled={questions.length >= 30}
            onPress={() =>
              setQuestions([
                ...questions,
                { rowKey: nextRowKey(), code: '', datatype: 'string', required: false, description: {}, values: [] },
              ])
            }
          >
            <Icon name="plus" size={20} />
            {t('office.categories.addQuestion')}
          </Button>
        </section>
        {saved ? (
          <p className="notice notice-success" role="status">
            {t('office.categories.saved')}
          </p>
        ) : null}
        <div className="form-actions sticky-actions">
          <Button type="submit" className="button" isPending={save.isPending}>
            {t('common.action.save')}
          </Button>
          <Link className="button button-secondary" to="/office/categories">
            {t('common.action.cancel')}
          </Link>
        </div>
      </Form>
    </>
  );
}
