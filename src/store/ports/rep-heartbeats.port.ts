// Console heartbeats (docs/operations.md "Auto-away"): when a rep's console was last active.

export interface RepHeartbeatRecord {
  readonly repId: string;
  /** The latest heartbeat (ISO instant). */
  readonly lastSeen: string;
}

export interface RepHeartbeatRepository {
  /** Records a heartbeat; `lastSeen` only moves forward (a late, older one does not undo a newer one). */
  beat(repId: string, at: string): Promise<void>;
  get(repId: string): Promise<RepHeartbeatRecord | undefined>;
  /** Every rep that ever sent one, by rep id. */
  list(): Promise<readonly RepHeartbeatRecord[]>;
}
