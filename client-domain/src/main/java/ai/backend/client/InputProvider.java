package ai.backend.client;

/** Answers a program's {@code waiting-input} (e.g. Python's {@code input()}) with one line. */
@FunctionalInterface
public interface InputProvider {
  /**
   * @param prompt the last line the program printed before waiting (may be empty)
   * @param password whether the program asked for a password (do not echo the input)
   * @return the line to send, without a trailing newline
   */
  String readLine(String prompt, boolean password);
}
