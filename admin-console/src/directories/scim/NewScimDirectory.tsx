// Placeholder (issue 12, being built).
export const NewScimDirectory = () => null;
