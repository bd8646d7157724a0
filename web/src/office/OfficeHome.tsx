import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { Link } from 'react-router';
import { LIMITS } from '../../../src/platform/limits';
import { api, unwrap } from '../api/client';
import { Icon } from '../shared/Icon';
import { useMultilingual, useT } from '../shared/i18n';
import { useDocumentTitle } from '../shared/page';
import { FormProblem, fieldErrorsOf, TextInput } from './forms';
import { useDepartments } from './org-api';
import { OFFICE_TOOLS, PERMISSIONS, useSession } from './session';

export function OfficeHome() {
  const t = useT();
  const ml = useMultilingual();
  const { me, can } = useSession();
  const departments = useDepartments(can(PERMISSIONS.departmentsRead));
  const department = departments.data?.find((d) => d.id === me.user.departmentId);
  const tools = OFFICE_TOOLS.filter((tool) => can(tool.permission));
  useDocumentTitle(t.text('office.home.heading'));
  return (
    <>
      <h1>{t('office.home.title', { name: me.user.displayName })}</h1>
      <p className="lead">
        {t(`office.role.${me.user.role}`)}
        {department ? <> · {ml(department.name)}</> : null}
      </p>
      <section className="section" aria-labelledby="tools-title">
        <h2 id="tools-title">{t('office.home.tools')}</h2>
        {tools.length === 0 ? (
          <p className="empty">{t('office.home.noTools')}</p>
        ) : (
          <ul className="tools">
            {tools.map((tool) => (
              <li key={tool.path}>
                <Link className="tool" to={tool.path}>
                  <span className="service-icon">
                    <Icon name={tool.icon} size={26} />
                  </span>
                  <span className="service-text">
                    <span className="service-name">{t(`office.nav.${tool.key}`)}</span>
                    <span className="service-desc">{t(`office.tools.${tool.key}`)}</span>
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>
      <ChangePassword />
    </>
  );
}

function ChangePassword() {
  const t = useT();
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const change = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/auth/password', { body: { currentPassword, newPassword } })),
    onSuccess: () => {
      setCurrent('');
      setNew('');
    },
  });
  const errors = fieldErrorsOf(change.error);
  return (
    <section className="section" aria-labelledby="password-title">
      <h2 id="password-title">{t('office.password.title')}</h2>
      <Form
        className="narrow-form"
        validationBehavior="aria"
        onSubmit={(event) => {
          event.preventDefault();
          change.mutate();
        }}
      >
        {change.error ? <FormProblem error={change.error} shownFields={['currentPassword', 'newPassword']} /> : null}
        {change.isSuccess ? (
          <p className="notice notice-success" role="status">
            {t('office.password.done')}
          </p>
        ) : null}
        <TextInput
          label={t('office.password.current')}
          type="password"
          autoComplete="current-password"
          value={currentPassword}
          onChange={setCurrent}
          error={errors.currentPassword}
          dir="ltr"
        />
        <TextInput
          label={t('office.password.new')}
          type="password"
          autoComplete="new-password"
          value={newPassword}
          onChange={setNew}
          error={errors.newPassword}
          description={t('office.password.rule', { min: LIMITS.passwordMin })}
          dir="ltr"
        />
        <Button type="submit" className="button" isPending={change.isPending}>
          {t('office.password.submit')}
        </Button>
      </Form>
    </section>
  );
}
