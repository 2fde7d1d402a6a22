package ai.backend.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * One sync/async style: every public method of a blocking API class has a twin of the same name and
 * parameters on its async class returning a {@link CompletableFuture} of the boxed result, and the
 * other way round. A new method added to one side only fails here.
 */
class SyncAsyncTwinsTest {
  /** Blocking class → its async twin; also how a parameter or result of these types maps. */
  private static final Map<Class<?>, Class<?>> TWINS = Map.of(
      Session.class, AsyncSession.class,
      Kernel.class, AsyncKernel.class,
      Admin.class, AsyncAdmin.class,
      Events.class, AsyncEvents.class,
      VFolders.class, AsyncVFolders.class);

  /**
   * Methods that send nothing (or only wire up objects), so both sides return the value itself, not a
   * future: accessors of what is already known, handles, and close (try-with-resources needs a
   * blocking close; AsyncKernel's close waits, its non-blocking form is destroy()).
   */
  private static final Set<String> LOCAL = Set.of(
      "name",
      "id",
      "isCreated",
      "status",
      "session",
      "supportsStreaming",
      "of", // Kernel handle
      "apiVersion",
      "dialect",
      "serverInfo",
      "config",
      "transportName",
      "lastRateLimit", // Session state
      "admin",
      "events",
      "vfolders",
      "isSupported",
      "open", // opening negotiates with a short blocking call on both sides (see AsyncSession.open)
      "close");

  /** Sync-only by nature; the reason is given per entry. */
  private static final Set<String> SYNC_ONLY = Set.of(
      "Session.builder", // the builder serves both: Builder.build() and Builder.buildAsync()
      "Session.async", // the bridge to the async side; AsyncSession.sync() is the way back
      "Kernel.async", // the bridge; AsyncKernel.sync() is the way back
      "Events.eventNamesOf"); // a pure static helper, usable from either side

  /** Async-only by nature. */
  private static final Set<String> ASYNC_ONLY = Set.of(
      "AsyncSession.sync", // the bridge back to the blocking session
      "AsyncKernel.sync"); // the bridge back to the blocking handle

  @Test
  void everyBlockingMethodHasAnAsyncTwinAndBack() {
    List<String> drift = new ArrayList<>();
    TWINS.forEach((sync, async) -> {
      for (Method m : publicMethods(sync)) {
        if (SYNC_ONLY.contains(sync.getSimpleName() + "." + m.getName())) {
          continue;
        }
        Method twin = find(async, m.getName(), map(m.getParameterTypes()));
        if (twin == null) {
          drift.add(async.getSimpleName() + " lacks " + describe(m));
          continue;
        }
        if (Modifier.isStatic(m.getModifiers()) != Modifier.isStatic(twin.getModifiers())) {
          drift.add(describe(twin) + " differs in being static from " + describe(m));
        }
        Type expected = LOCAL.contains(m.getName())
            ? map(m.getGenericReturnType())
            : future(box(map(m.getGenericReturnType())));
        if (!sameType(expected, twin.getGenericReturnType())) {
          drift.add(describe(twin) + " returns " + twin.getGenericReturnType().getTypeName()
              + ", expected " + expected.getTypeName() + " (the twin of " + describe(m) + ")");
        }
      }
      for (Method m : publicMethods(async)) {
        if (ASYNC_ONLY.contains(async.getSimpleName() + "." + m.getName())) {
          continue;
        }
        boolean found = publicMethods(sync).stream()
            .anyMatch(s -> s.getName().equals(m.getName())
                && Arrays.equals(map(s.getParameterTypes()), m.getParameterTypes()));
        if (!found) {
          drift.add(sync.getSimpleName() + " lacks the blocking twin of " + describe(m));
        }
      }
    });
    assertEquals(List.of(), drift, "sync/async twins drifted");
  }

  @Test
  void noFutureReturningMethodsOnBlockingClasses() {
    List<String> found = new ArrayList<>();
    for (Class<?> sync : TWINS.keySet()) {
      for (Method m : publicMethods(sync)) {
        if (m.getReturnType() == CompletableFuture.class || m.getName().endsWith("Async")) {
          found.add(describe(m));
        }
      }
    }
    assertEquals(
        List.of(), found, "blocking classes return values; the async twin returns futures");
  }

  private static List<Method> publicMethods(Class<?> c) {
    return Arrays.stream(c.getDeclaredMethods())
        .filter(m -> Modifier.isPublic(m.getModifiers()) && !m.isSynthetic() && !m.isBridge())
        .filter(m -> !isObjectMethod(m))
        .collect(Collectors.toList());
  }

  private static boolean isObjectMethod(Method m) {
    try {
      Object.class.getMethod(m.getName(), m.getParameterTypes());
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  private static Method find(Class<?> c, String name, Class<?>[] params) {
    return publicMethods(c).stream()
        .filter(m -> m.getName().equals(name) && Arrays.equals(m.getParameterTypes(), params))
        .findFirst()
        .orElse(null);
  }

  private static Class<?>[] map(Class<?>[] types) {
    return Arrays.stream(types).map(t -> TWINS.getOrDefault(t, t)).toArray(Class<?>[]::new);
  }

  private static Type map(Type t) {
    return t instanceof Class<?> c ? TWINS.getOrDefault(c, c) : t;
  }

  private static Type box(Type t) {
    if (t == void.class) {
      return Void.class;
    }
    if (t == boolean.class) {
      return Boolean.class;
    }
    if (t == int.class) {
      return Integer.class;
    }
    if (t == long.class) {
      return Long.class;
    }
    return t;
  }

  /** {@code CompletableFuture<t>}, compared by {@link #sameType}. */
  private static Type future(Type t) {
    return new ParameterizedType() {
      @Override
      public Type[] getActualTypeArguments() {
        return new Type[] {t};
      }

      @Override
      public Type getRawType() {
        return CompletableFuture.class;
      }

      @Override
      public Type getOwnerType() {
        return null;
      }

      @Override
      public String getTypeName() {
        return "java.util.concurrent.CompletableFuture<" + t.getTypeName() + ">";
      }
    };
  }

  private static boolean sameType(Type expected, Type actual) {
    if (expected instanceof ParameterizedType e && actual instanceof ParameterizedType a) {
      return e.getRawType().equals(a.getRawType())
          && Arrays.equals(e.getActualTypeArguments(), a.getActualTypeArguments());
    }
    return expected.equals(actual);
  }

  private static String describe(Method m) {
    return m.getDeclaringClass().getSimpleName() + "." + m.getName() + "("
        + Arrays.stream(m.getParameterTypes())
            .map(Class::getSimpleName)
            .collect(Collectors.joining(", "))
        + ")";
  }
}
