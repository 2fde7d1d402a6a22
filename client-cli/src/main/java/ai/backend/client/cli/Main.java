package ai.backend.client.cli;

/** Entry point of the {@code backend.ai} command (placeholder until the CLI issue lands). */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.err.println("backend.ai: not implemented yet");
    System.exit(2);
  }
}
