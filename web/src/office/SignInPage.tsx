import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useCommune } from '../shared/commune';
import { useT } from '../shared/i18n';
import { useDocumentTitle } from '../shared/page';
import { FormProblem, fieldErrorsOf, TextInput } from './fields';
import { prefetchOfficeRoutes } from './load-routes';
import { useSignIn } from './session';

export function SignInPage() {
  const t = useT();
  const commune = useCommune();
  const signIn = useSignIn();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  useDocumentTitle(t.text('office.signin.title'));
  const errors = fieldErrorsOf(signIn.error);
  return (
    <section className="signin" aria-labelledby="signin-title">
      <h1 id="signin-title">{t('office.signin.title')}</h1>
      <p className="lead">{t('office.signin.lead')}</p>
      <Form
        className="signin-form"
        validationBehavior="aria"
        onSubmit={(event) => {
          event.preventDefault();
          signIn.mutate({ email: email.trim(), password });
        }}
      >
        {signIn.error ? <FormProblem error={signIn.error} shownFields={['email', 'password']} /> : null}
        <TextInput
          label={t('office.signin.email')}
          name="email"
          type="email"
          autoComplete="username"
          value={email}
          onChange={(value) => {
            setEmail(value);
            prefetchOfficeRoutes();
          }}
          error={errors.email}
          dir="ltr"
          isRequired
        />
        <TextInput
          label={t('office.signin.password')}
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(value) => {
            setPassword(value);
            prefetchOfficeRoutes();
          }}
          error={errors.password}
          dir="ltr"
          isRequired
        />
        <Button type="submit" className="button" isPending={signIn.isPending}>
          {t('office.signin.submit')}
        </Button>
      </Form>
      {commune.data?.isDemo ? (
        <p className="notice">{t('office.signin.demoHint', { email: `admin@${commune.data.code}.example` })}</p>
      ) : null}
    </section>
  );
}
