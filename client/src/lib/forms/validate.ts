// Client-side validation is the server's own (shared/forms.ts): what the browser accepts, the
// server accepts.
export { validateForm, submittable, isHidden, type HideFn, type Problem, type ProblemCode } from '../../../../shared/forms.ts';
