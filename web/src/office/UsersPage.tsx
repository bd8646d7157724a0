import { useEffect, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { LIMITS } from '../../../src/platform/limits';
import { useFormat } from '../shared/format';
import { Icon } from '../shared/Icon';
import { ENDONYMS, isLocale, LOCALES, type Locale, useMultilingual, useT } from '../shared/i18n';
import { ProblemMessage } from '../shared/ProblemMessage';
import { useDocumentTitle } from '../shared/page';
import { CheckboxField, FormDialog, FormProblem, fieldErrorsOf, type Option, Pager, SelectField, TextInput } from './forms';
import {
  type Department,
  departmentTree,
  flattenTree,
  type StaffUser,
  useCreateUser,
  useDepartments,
  useUpdateUser,
  useUsers,
} from './org-api';
import { PERMISSIONS, ROLES, type Role, useSession } from './session';

const PAGE = 25;
type Status = 'all' | 'active' | 'inactive';

export function UsersPage() {
  const t = useT();
  const fmt = useFormat();
  const ml = useMultilingual();
  const { can } = useSession();
  const canManage = can(PERMISSIONS.usersManage);
  const [role, setRole] = useState<Role | 'all'>('all');
  const [department, setDepartment] = useState<string>('all');
  const [status, setStatus] = useState<Status>('all');
  const [search, setSearch] = useState('');
  const [q, setQ] = useState('');
  const [offset, setOffset] = useState(0);
  const [editing, setEditing] = useState<StaffUser | 'new' | null>(null);
  useDocumentTitle(t.text('office.nav.users'));

  // Search as one types, without a request per keystroke.
  useEffect(() => {
    const timer = setTimeout(() => setQ(search.trim().slice(0, LIMITS.searchMax)), 300);
    return () => clearTimeout(timer);
  }, [search]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the filters are the trigger: any change goes back to the first page
  useEffect(() => setOffset(0), [role, department, status, q]);

  const departments = useDepartments(can(PERMISSIONS.departmentsRead));
  const users = useUsers({
    limit: PAGE,
    offset,
    ...(role !== 'all' ? { role } : {}),
    ...(department !== 'all' ? { departmentId: department } : {}),
    ...(status !== 'all' ? { active: status === 'active' } : {}),
    ...(q ? { q } : {}),
  });
  const departmentName = (id: string | null) => {
    const d = id ? departments.data?.find((x) => x.id === id) : undefined;
    return d ? ml(d.name) : id ? null : t('office.users.noDepartment');
  };
  const roleOptions: Option<Role | 'all'>[] = [
    { id: 'all', label: t('office.filter.all'), text: t.text('office.filter.all') },
    ...ROLES.map((r) => ({ id: r, label: t(`office.role.${r}`), text: t.text(`office.role.${r}`) })),
  ];
  const departmentOptions: Option<string>[] = [
    { id: 'all', label: t('office.filter.all'), text: t.text('office.filter.all') },
    ...departmentChoices(departments.data ?? [], ml),
  ];

  return (
    <>
      <div className="page-head">
        <h1>{t('office.nav.users')}</h1>
        {canManage ? (
          <Button className="button" onPress={() => setEditing('new')}>
            <Icon name="plus" size={20} />
            {t('office.users.create')}
          </Button>
        ) : null}
      </div>
      <search className="filters" aria-label={t.text('office.filter.label')}>
        <TextInput label={t('office.users.search')} type="search" value={search} onChange={setSearch} className="field-wide" />
        <SelectField label={t('office.users.role')} value={role} onChange={setRole} options={roleOptions} />
        {departments.data ? (
          <SelectField label={t('office.users.department')} value={department} onChange={setDepartment} options={departmentOptions} />
        ) : null}
        <SelectField
          label={t('office.users.status')}
          value={status}
          onChange={setStatus}
          options={(['all', 'active', 'inactive'] as const).map((s) => ({
            id: s,
            label: t(`office.users.status.${s}`),
            text: t.text(`office.users.status.${s}`),
          }))}
        />
      </search>
      {users.isError ? (
        <ProblemMessage error={users.error} onRetry={() => void users.refetch()} />
      ) : users.isPending ? (
        <p className="loading-line" role="status">
          {t('common.loading')}
        </p>
      ) : (
        <>
          <p className="result-count" aria-live="polite">
            {t('office.users.count', { count: users.data.page.total })}
          </p>
          <ul className="record-list">
            {users.data.items.map((u) => (
              <li key={u.id} className={u.active ? 'record' : 'record record-inactive'}>
                <div className="record-main">
                  <p className="record-title">
                    {u.displayName}
                    {u.isDemo ? <span className="badge badge-demo">{t('common.demo.badge')}</span> : null}
                    {!u.active ? <span className="badge">{t('office.users.inactive')}</span> : null}
                  </p>
                  <p className="record-meta">
                    <span dir="ltr">{u.email}</span>
                  </p>
                  <p className="record-meta">
                    <span className="badge badge-role">{t(`office.role.${u.role}`)}</span> {departmentName(u.departmentId)}
                  </p>
                  <p className="record-meta">
                    {u.lastLoginAt ? t('office.users.lastLogin', { when: fmt.dateTime(u.lastLoginAt) }) : t('office.users.neverLoggedIn')}
                  </p>
                </div>
                {canManage ? (
                  <Button
                    className="button button-secondary button-small"
                    onPress={() => setEditing(u)}
                    aria-label={t.text('office.users.editNamed', { name: u.displayName })}
                  >
                    {t('common.action.edit')}
                  </Button>
                ) : null}
              </li>
            ))}
          </ul>
          <Pager total={users.data.page.total} limit={PAGE} offset={offset} onChange={setOffset} />
        </>
      )}
      {editing ? (
        <UserDialog user={editing === 'new' ? null : editing} departments={departments.data ?? []} onClose={() => setEditing(null)} />
      ) : null}
    </>
  );
}

/** Departments as indented options, in tree order. */
export function departmentChoices(items: readonly Department[], ml: ReturnType<typeof useMultilingual>): Option<string>[] {
  return flattenTree(departmentTree(items)).map((d) => ({
    id: d.id,
    label: <span style={{ paddingInlineStart: `${d.depth * 1}rem` }}>{ml(d.name)}</span>,
    text: ml.text(d.name),
  }));
}

function UserDialog({ user, departments, onClose }: { user: StaffUser | null; departments: Department[]; onClose(): void }) {
  const t = useT();
  const ml = useMultilingual();
  const create = useCreateUser();
  const update = useUpdateUser();
  const save = user ? update : create;
  const [email, setEmail] = useState(user?.email ?? '');
  const [displayName, setDisplayName] = useState(user?.displayName ?? '');
  const [role, setRole] = useState<Role>(user?.role ?? 'agent');
  const [departmentId, setDepartmentId] = useState<string>(user?.departmentId ?? 'none');
  const [locale, setLocale] = useState<Locale | 'none'>(user?.locale ?? 'none');
  const [active, setActive] = useState(user?.active ?? true);
  const [password, setPassword] = useState('');
  const errors = fieldErrorsOf(save.error);

  const handleSubmit = () => {
    const common = {
      displayName: displayName.trim(),
      role,
      departmentId: departmentId === 'none' ? null : departmentId,
      locale: isLocale(locale) ? locale : null,
    };
    if (user) {
      update.mutate({ id: user.id, body: { ...common, active, ...(password ? { password } : {}) } }, { onSuccess: onClose });
    } else {
      create.mutate({ ...common, email: email.trim(), password }, { onSuccess: onClose });
    }
  };

  return (
    <FormDialog
      title={user ? t('office.users.editTitle', { name: user.displayName }) : t('office.users.create')}
      isOpen
      onOpenChange={(open) => !open && onClose()}
    >
      <Form
        validationBehavior="aria"
        onSubmit={(event) => {
          event.preventDefault();
          handleSubmit();
        }}
      >
        {save.error ? (
          <FormProblem error={save.error} shownFields={['email', 'displayName', 'role', 'departmentId', 'locale', 'active', 'password']} />
        ) : null}
        {user ? (
          <p className="record-meta">
            <span dir="ltr">{user.email}</span>
          </p>
        ) : (
          <TextInput
            label={t('office.users.email')}
            type="email"
            value={email}
            onChange={setEmail}
            error={errors.email}
            dir="ltr"
            autoComplete="off"
            isRequired
          />
        )}
        <TextInput
          label={t('office.users.displayName')}
          value={displayName}
          onChange={setDisplayName}
          error={errors.displayName}
          isRequired
          maxLength={LIMITS.displayNameMax}
        />
        <SelectField
          label={t('office.users.role')}
          value={role}
          onChange={setRole}
          error={errors.role}
          options={ROLES.map((r) => ({ id: r, label: t(`office.role.${r}`), text: t.text(`office.role.${r}`) }))}
        />
        <SelectField
          label={t('office.users.department')}
          value={departmentId}
          onChange={setDepartmentId}
          error={errors.departmentId}
          options={[
            { id: 'none', label: t('office.users.noDepartment'), text: t.text('office.users.noDepartment') },
            ...departmentChoices(departments, ml),
          ]}
        />
        <SelectField
          label={t('office.users.language')}
          value={locale}
          onChange={setLocale}
          error={errors.locale}
          options={[
            { id: 'none', label: t('office.users.languageDefault'), text: t.text('office.users.languageDefault') },
            ...LOCALES.map((l) => ({ id: l, label: ENDONYMS[l], text: ENDONYMS[l] })),
          ]}
        />
        {user ? <CheckboxField label={t('office.users.active')} isSelected={active} onChange={setActive} /> : null}
        <TextInput
          label={user ? t('office.users.resetPassword') : t('office.users.password')}
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={setPassword}
          error={errors.password}
          description={t('office.password.rule', { min: LIMITS.passwordMin })}
          dir="ltr"
          isRequired={!user}
        />
        <div className="form-actions">
          <Button type="submit" className="button" isPending={save.isPending}>
            {t('common.action.save')}
          </Button>
          <Button className="button button-secondary" slot="close">
            {t('common.action.cancel')}
          </Button>
        </div>
      </Form>
    </FormDialog>
  );
}
