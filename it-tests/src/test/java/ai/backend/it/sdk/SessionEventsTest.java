package ai.backend.it.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.client.ComputeSessionEvent;
import ai.backend.client.EventFilter;
import ai.backend.client.EventSubscription;
import ai.backend.client.Kernel;
import ai.backend.client.KernelOptions;
import ai.backend.client.Session;
import ai.backend.client.errors.InvalidArgumentException;
import ai.backend.client.errors.WaitTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Session events over SSE (v5+ dialect only; v4.20181215 has none) × adapters × sync/async. */
class SessionEventsTest extends SdkFixture {
  static Stream<Arguments> adapters() {
    return Stream.of("apache", "jdk")
        .flatMap(a -> Stream.of(Arguments.of(a, Mode.SYNC), Arguments.of(a, Mode.ASYNC)));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("adapters")
  void subscribeSeesTheLifecycleAndAwaitStatusTimesOut(String adapter, Mode mode) throws Exception {
    Session s = open(adapter, mode, V9).session();
    String name = "ev-" + KernelOptions.generateName().substring(0, 12);
    List<ComputeSessionEvent> seen = new CopyOnWriteArrayList<>();
    try (EventSubscription sub = s.events().subscribe(EventFilter.session(name), seen::add)) {
      Kernel k;
      if (mode == Mode.SYNC) {
        k = Kernel.getOrCreate(s, "python", KernelOptions.builder().name(name).build());
      } else {
        k = Ops.join(ai.backend.client.AsyncKernel.getOrCreate(
                s.async(), "python", KernelOptions.builder().name(name).build()))
            .sync();
      }
      k.destroy();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (seen.stream().noneMatch(ComputeSessionEvent::isTerminal)
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(sub.isOpen());
    }
    List<String> names = seen.stream().map(ComputeSessionEvent::name).toList();
    assertTrue(
        names.contains("session_started") || names.contains("kernel_started"), names.toString());
    assertTrue(
        names.contains("session_terminated") || names.contains("kernel_terminated"),
        names.toString());
    assertTrue(seen.stream().allMatch(e -> name.equals(e.sessionName())), seen.toString());
    assertNotNull(seen.get(0).data());

    String nobody = "ghost-" + KernelOptions.generateName().substring(0, 8);
    if (mode == Mode.SYNC) {
      assertThrows(WaitTimeoutException.class, () -> s.events()
          .awaitStatus(nobody, "RUNNING", Duration.ofMillis(300)));
    } else {
      assertThrows(
          WaitTimeoutException.class,
          () -> Ops.join(s.async()
              .events()
              .awaitEvent(nobody, Set.of("session_started"), Duration.ofMillis(300))));
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("adapters")
  void enqueueOnlyCreateWaitsForRunningThroughEvents(String adapter, Mode mode) {
    Session s = open(adapter, mode, V9).session();
    KernelOptions o = KernelOptions.builder()
        .name("enq-" + KernelOptions.generateName().substring(0, 12))
        .awaitRunning(Duration.ofSeconds(30))
        .build();
    Kernel k = mode == Mode.SYNC
        ? Kernel.getOrCreate(s, "python", o)
        : Ops.join(ai.backend.client.AsyncKernel.getOrCreate(s.async(), "python", o))
            .sync();
    try {
      assertEquals("RUNNING", k.status());
      assertEquals("1\n", k.run("print(1)").stdout());
    } finally {
      k.destroy();
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("adapters")
  void v4HasNoEvents(String adapter, Mode mode) {
    Session s = open(adapter, mode, V4).session();
    assertThrows(
        InvalidArgumentException.class, () -> s.events().subscribe(EventFilter.all(), e -> {}));
  }
}
