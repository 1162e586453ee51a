// async-exit-hook ships no type declarations; this covers the part the launcher uses (see scripts/launch-support.ts).
declare module "async-exit-hook" {
  type ExitHook = {
    (hook: (done: () => void) => void): void;
    /** Removes the package's listener for a process event or signal it hooked. */
    unhookEvent(event: string): void;
    hookedEvents(): string[];
  };
  const exitHook: ExitHook;
  export default exitHook;
}
