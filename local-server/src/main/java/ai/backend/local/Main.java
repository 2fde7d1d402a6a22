package ai.backend.local;

/** Command-line entry point of the local server (placeholder until the local-server issue lands). */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.err.println("local-server: not implemented yet");
    System.exit(2);
  }
}
