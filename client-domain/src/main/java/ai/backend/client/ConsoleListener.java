package ai.backend.client;

/** Receives console items of a run as they arrive, in order. Called on the thread driving the run. */
@FunctionalInterface
public interface ConsoleListener {
  ConsoleListener NONE = item -> {};

  void onItem(ConsoleItem item);
}
