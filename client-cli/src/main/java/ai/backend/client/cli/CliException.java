package ai.backend.client.cli;

/** A failure the CLI reports as one line, with a chosen exit code. */
public class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient ExitCode exitCode;

  public CliException(ExitCode exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public CliException(ExitCode exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public ExitCode exitCode() {
    return exitCode;
  }
}
