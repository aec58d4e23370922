// The error for a workspace that cannot be opened as asked (missing, not a workspace, newer schema, changed
// migration): its message is meant for the user and names the folder or file.
export class WorkspaceError extends Error {
  override name = 'WorkspaceError';
}
