import { useState } from 'react';
import { Button, Form, Menu, MenuItem, MenuTrigger, Popover } from 'react-aria-components';
import { LIMITS } from '../../../src/platform/limits';
import { Icon } from '../shared/Icon';
import { type Multilingual, useMultilingual, useT } from '../shared/i18n';
import { ProblemMessage } from '../shared/ProblemMessage';
import { useDocumentTitle } from '../shared/page';
import {
  ConfirmDialog,
  cleanMultilingual,
  errorsUnder,
  FormDialog,
  FormProblem,
  fieldErrorsOf,
  MultilingualInput,
  SelectField,
  TextInput,
} from './forms';
import { type Department, type DepartmentNode, departmentTree, useDeleteDepartment, useDepartments, useSaveDepartment } from './org-api';
import { PERMISSIONS, useSession } from './session';
import { departmentChoices } from './UsersPage';

type Editing =
  | { mode: 'create'; parentId: string | null }
  | { mode: 'rename'; department: Department }
  | { mode: 'move'; department: Department };

export function DepartmentsPage() {
  const t = useT();
  const { can } = useSession();
  const canManage = can(PERMISSIONS.departmentsManage);
  const departments = useDepartments();
  const [editing, setEditing] = useState<Editing | null>(null);
  const [deleting, setDeleting] = useState<Department | null>(null);
  useDocumentTitle(t.text('office.nav.departments'));

  return (
    <>
      <div className="page-head">
        <h1>{t('office.nav.departments')}</h1>
        {canManage ? (
          <Button className="button" onPress={() => setEditing({ mode: 'create', parentId: null })}>
            <Icon name="plus" size={20} />
            {t('office.departments.create')}
          </Button>
        ) : null}
      </div>
      {departments.isError ? (
        <ProblemMessage error={departments.error} onRetry={() => void departments.refetch()} />
      ) : departments.isPending ? (
        <p className="loading-line" role="status">
          {t('common.loading')}
        </p>
      ) : departments.data.length === 0 ? (
        <p className="empty">{t('office.departments.empty')}</p>
      ) : (
        <DepartmentList nodes={departmentTree(departments.data)} canManage={canManage} onEdit={setEditing} onDelete={setDeleting} />
      )}
      {editing ? <DepartmentDialog editing={editing} all={departments.data ?? []} onClose={() => setEditing(null)} /> : null}
      {deleting ? <DeleteDepartment department={deleting} onClose={() => setDeleting(null)} /> : null}
    </>
  );
}

function DepartmentList({
  nodes,
  canManage,
  onEdit,
  onDelete,
}: {
  nodes: DepartmentNode[];
  canManage: boolean;
  onEdit(e: Editing): void;
  onDelete(d: Department): void;
}) {
  const t = useT();
  const ml = useMultilingual();
  return (
    <ul className="dept-tree">
      {nodes.map((d) => (
        <li key={d.id}>
          <div className="dept-row">
            <div className="dept-label">
              <span className="dept-name">{ml(d.name)}</span>
              <code className="dept-code" dir="ltr">
                {d.code}
              </code>
            </div>
            {canManage ? (
              <MenuTrigger>
                <Button
                  className="button button-secondary button-small"
                  aria-label={t.text('office.departments.actionsFor', { name: ml.text(d.name) })}
                >
                  {t('office.departments.actions')}
                  <Icon name="chevron" size={18} />
                </Button>
                <Popover placement="bottom end">
                  <Menu
                    className="action-menu"
                    onAction={(key) => {
                      if (key === 'add') onEdit({ mode: 'create', parentId: d.id });
                      else if (key === 'rename') onEdit({ mode: 'rename', department: d });
                      else if (key === 'move') onEdit({ mode: 'move', department: d });
                      else if (key === 'delete') onDelete(d);
                    }}
                  >
                    <MenuItem id="add" className="action-item">
                      {t('office.departments.addChild')}
                    </MenuItem>
                    <MenuItem id="rename" className="action-item">
                      {t('office.departments.rename')}
                    </MenuItem>
                    <MenuItem id="move" className="action-item">
                      {t('office.departments.move')}
                    </MenuItem>
                    <MenuItem id="delete" className="action-item danger-text">
                      {t('common.action.delete')}
                    </MenuItem>
                  </Menu>
                </Popover>
              </MenuTrigger>
            ) : null}
          </div>
          {d.children.length > 0 ? <DepartmentList nodes={d.children} canManage={canManage} onEdit={onEdit} onDelete={onDelete} /> : null}
        </li>
      ))}
    </ul>
  );
}

/** Ids of a department and everything under it: a department cannot move under itself. */
function subtreeIds(all: readonly Department[], id: string): Set<string> {
  const ids = new Set([id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const d of all) {
      if (d.parentId && ids.has(d.parentId) && !ids.has(d.id)) {
        ids.add(d.id);
        grew = true;
      }
    }
  }
  return ids;
}

function DepartmentDialog({ editing, all, onClose }: { editing: Editing; all: Department[]; onClose(): void }) {
  const t = useT();
  const ml = useMultilingual();
  const save = useSaveDepartment();
  const existing = editing.mode === 'create' ? null : editing.department;
  const [code, setCode] = useState(existing?.code ?? '');
  const [name, setName] = useState<Multilingual>(existing?.name ?? {});
  const [parentId, setParentId] = useState<string>((editing.mode === 'create' ? editing.parentId : existing?.parentId) ?? 'root');
  const errors = fieldErrorsOf(save.error);
  const excluded = existing ? subtreeIds(all, existing.id) : new Set<string>();
  const parents = departmentChoices(
    all.filter((d) => !excluded.has(d.id)),
    ml,
  );

  const title =
    editing.mode === 'create'
      ? t('office.departments.create')
      : editing.mode === 'rename'
        ? t('office.departments.renameNamed', { name: ml.text(existing?.name) })
        : t('office.departments.moveNamed', { name: ml.text(existing?.name) });

  const handleSubmit = () => {
    const parent = parentId === 'root' ? null : parentId;
    if (editing.mode === 'create')
      save.mutate({ id: null, body: { code: code.trim(), name: cleanMultilingual(name), parentId: parent } }, { onSuccess: onClose });
    else if (editing.mode === 'rename')
      save.mutate({ id: editing.department.id, body: { code: code.trim(), name: cleanMultilingual(name) } }, { onSuccess: onClose });
    else save.mutate({ id: editing.department.id, body: { parentId: parent } }, { onSuccess: onClose });
  };

  return (
    <FormDialog title={title} isOpen onOpenChange={(open) => !open && onClose()}>
      <Form
        validationBehavior="aria"
        onSubmit={(event) => {
          event.preventDefault();
          handleSubmit();
        }}
      >
        {save.error ? (
          <FormProblem error={save.error} shownFields={editing.mode === 'move' ? ['parentId'] : ['code', 'name', 'parentId']} />
        ) : null}
        {editing.mode !== 'move' ? (
          <>
            <MultilingualInput legend={t('office.departments.name')} value={name} onChange={setName} errors={errorsUnder(errors, 'name')} />
            <TextInput
              label={t('office.departments.code')}
              value={code}
              onChange={setCode}
              error={errors.code}
              description={t('office.departments.codeHint')}
              dir="ltr"
              maxLength={LIMITS.codeMax}
              isRequired
            />
          </>
        ) : null}
        {editing.mode !== 'rename' ? (
          <SelectField
            label={t('office.departments.parent')}
            value={parentId}
            onChange={setParentId}
            error={errors.parentId}
            options={[{ id: 'root', label: t('office.departments.noParent'), text: t.text('office.departments.noParent') }, ...parents]}
          />
        ) : null}
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

function DeleteDepartment({ department, onClose }: { department: Department; onClose(): void }) {
  const t = useT();
  const ml = useMultilingual();
  const remove = useDeleteDepartment();
  return (
    <ConfirmDialog
      title={t('office.departments.deleteNamed', { name: ml.text(department.name) })}
      message={t('office.departments.deleteConfirm')}
      confirmLabel={t('common.action.delete')}
      isOpen
      onOpenChange={(open) => !open && onClose()}
      onConfirm={() => remove.mutate(department.id, { onSuccess: onClose })}
      isPending={remove.isPending}
      error={remove.error}
    />
  );
}
