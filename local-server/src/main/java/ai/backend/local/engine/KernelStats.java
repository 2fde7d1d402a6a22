package ai.backend.local.engine;

/** Usage of a kernel; {@code cpuUsedMillis} is CPU time of the whole tree so far. */
public record KernelStats(long cpuUsedMillis, long memMaxBytes, long memCurBytes, int numQueries) {}
