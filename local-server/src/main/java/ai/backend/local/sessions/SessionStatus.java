package ai.backend.local.sessions;

/** Session lifecycle states, spelled as the manager spells them. */
public enum SessionStatus {
  PENDING,
  PREPARING,
  RUNNING,
  RESTARTING,
  TERMINATING,
  TERMINATED,
  ERROR;

  public boolean isLive() {
    return this != TERMINATED && this != ERROR && this != TERMINATING;
  }
}
