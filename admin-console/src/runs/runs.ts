import { useAlerts } from "@keycloak/keycloak-ui-shared";
import type { TFunction } from "i18next";
import { useEffect, useRef, useState } from "react";
import { RunSummary, useDirSyncApi } from "../api/dirsync";

/** How often a page showing a running run asks for its progress. */
export const POLL_MILLIS = 2000;

/** The outcomes a report counts, in the order the console lists them (held and warning only when there are any). */
export const OUTCOMES = ["created", "updated", "adopted", "restored", "unchanged", "trashed", "deleted", "failed"];

/**
 * A run of a directory, read again every 2 s while it is running and once more when it ends (then its report is
 * complete); `onEnd` is told when a run seen running has ended.
 */
export function useFollowedRun(directoryId: string, runId: string | undefined, onEnd?: (run: RunSummary) => void) {
  const api = useDirSyncApi();
  const { addError } = useAlerts();
  const [run, setRun] = useState<RunSummary>();
  const [key, setKey] = useState(0);
  const ended = useRef(onEnd);
  ended.current = onEnd;
  const errors = useRef(addError);
  errors.current = addError;

  useEffect(() => {
    if (!runId) {
      setRun(undefined);
      return;
    }
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let sawRunning = false;
    const load = async () => {
      try {
        const r = await api.run(directoryId, runId);
        if (cancelled) return;
        setRun(r);
        if (r.status === "running") {
          sawRunning = true;
          timer = setTimeout(load, POLL_MILLIS);
        } else if (sawRunning) {
          ended.current?.(r);
        }
      } catch (e) {
        if (!cancelled) errors.current("dirsyncRunsError", e);
      }
    };
    load();
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
    };
  }, [api, directoryId, runId, key]);

  return { run, reload: () => setKey((k) => k + 1) };
}

/** A run's length: "850 ms", "42 s", "3 min 5 s", "2 h 10 min"; a dash while it has not ended. */
export function formatDuration(startedAt: number, endedAt?: number | null): string {
  if (!endedAt) return "—";
  const ms = Math.max(0, endedAt - startedAt);
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** A schedule's interval in minutes: "every 12 h", "every 30 min", "every 1 h 30 min". */
export function formatInterval(t: TFunction, minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  const text = h === 0 ? `${m} min` : m === 0 ? `${h} h` : `${h} h ${m} min`;
  return t("dirsyncEvery", { interval: text });
}

/** A count in the admin's locale. */
export const formatCount = (n?: number | null) => (n ?? 0).toLocaleString();

/** The path of a run's report. */
export const reportPath = (realm: string, directoryId: string, runId: string) =>
  `/${encodeURIComponent(realm)}/dirsync/directories/${directoryId}/history/${runId}`;
