package behovsgraf;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.QueryExecutionException;
import org.neo4j.io.ByteUnit;

/**
 * Neo4j Community embedded in this JVM, answering Bolt on 127.0.0.1 only, for tests.
 *
 * <p>Usage: {@code Neo4jLocal DATA_DIR PORT}. When the environment variable {@code NEO4J_LOCAL_PASSWORD} is set,
 * authentication is on and user {@code neo4j} gets that password (at least 8 characters). When
 * {@code NEO4J_LOCAL_PARENT_PID} is set, it also shuts down when that process ends, so a killed test run leaves no
 * server behind. Prints {@code NEO4J READY bolt://127.0.0.1:PORT} once a query has run, and shuts down cleanly on
 * SIGTERM.
 */
public final class Neo4jLocal {
    private static final String HOST = "127.0.0.1";
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(1);

    private Neo4jLocal() {}

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2) {
            System.err.println("usage: Neo4jLocal DATA_DIR PORT");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        String password = System.getenv("NEO4J_LOCAL_PASSWORD");
        SocketAddress address = new SocketAddress(HOST, port);

        DatabaseManagementService service;
        try {
            service = new DatabaseManagementServiceBuilder(home)
                    .setConfig(BoltConnector.enabled, true)
                    .setConfig(BoltConnector.listen_address, address)
                    .setConfig(BoltConnector.advertised_address, address)
                    .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(256))
                    .setConfig(GraphDatabaseSettings.udc_enabled, false)
                    .setConfig(GraphDatabaseSettings.auth_enabled, password != null)
                    // Bolt waits 5 s twice on shutdown by default; tests stop and restart often.
                    .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, SHUTDOWN_WAIT)
                    .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, SHUTDOWN_WAIT)
                    .build();
        } catch (RuntimeException e) {
            fail(e);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.shutdown();
            System.out.println("NEO4J STOPPED");
            stopped.countDown();
        }, "neo4j-local-shutdown"));
        String parent = System.getenv("NEO4J_LOCAL_PARENT_PID");
        if (parent != null) {
            ProcessHandle.of(Long.parseLong(parent)).ifPresentOrElse(
                    handle -> handle.onExit().thenRun(() -> System.exit(0)), () -> System.exit(0));
        }

        try {
            if (password != null) {
                setPassword(service, password);
            }
            service.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME).executeTransactionally("RETURN 1");
        } catch (RuntimeException e) {
            fail(e);
        }
        System.out.println("NEO4J READY bolt://" + HOST + ":" + port);
        System.out.flush();
        stopped.await();
    }

    /** Give user neo4j the password; a restart on the same data finds it already set, which is fine. */
    private static void setPassword(DatabaseManagementService service, String password) {
        try {
            service.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));
        } catch (QueryExecutionException e) {
            if (!String.valueOf(e.getMessage()).contains("Old password and new password cannot be the same")) {
                throw e;
            }
        }
    }

    /** Print the error with its causes (the first line is rarely the reason) and exit. */
    private static void fail(Throwable error) {
        StringBuilder message = new StringBuilder("NEO4J FAILED");
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            message.append("\n  ").append(cause);
        }
        System.err.println(message);
        System.exit(1);
    }
}
