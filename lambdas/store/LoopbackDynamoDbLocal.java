/*
 * DynamoDB Local bound to 127.0.0.1 only. DynamoDB Local has no host option: its Jetty server is built with
 * `new Server(port)`, which listens on every interface, and it answers anyone (no authentication). This
 * main builds the server exactly as DynamoDB Local's own main does, sets the connector's host to loopback
 * before starting it, checks the bound address, and fails closed otherwise.
 *
 * It also exits when its standard input closes: the Node process that started it holds the other end of
 * that pipe, so DynamoDB Local never outlives it, even after a `kill -9` (no orphan keeps serving the
 * database file).
 *
 * Needs only a Java 17 runtime: lambdas/store/dynamodb-local.ts compiles it once with the runtime's own
 * compiler (`--compile <this file> <class dir>`, run through the single-file source launcher) and caches the
 * class.
 */
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public class LoopbackDynamoDbLocal {
  static final String LOOPBACK = "127.0.0.1";

  public static void main(String[] args) throws Exception {
    if (args.length == 3 && args[0].equals("--compile")) {
      System.exit(compile(args[1], args[2]));
    }
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field serverField = DynamoDBProxyServer.class.getDeclaredField("server");
    serverField.setAccessible(true);
    Server server = (Server) serverField.get(proxy);
    Connector[] connectors = server.getConnectors();
    if (connectors.length == 0) fail("DynamoDB Local has no connector to bind");
    for (Connector connector : connectors) {
      if (!(connector instanceof ServerConnector)) fail("unexpected connector " + connector);
      ((ServerConnector) connector).setHost(LOOPBACK);
    }
    proxy.safeStart();
    for (Connector connector : connectors) {
      InetSocketAddress bound =
          (InetSocketAddress) ((ServerSocketChannel) connector.getTransport()).getLocalAddress();
      if (!bound.getAddress().isLoopbackAddress()) {
        proxy.stop();
        fail("DynamoDB Local is bound to " + bound + ", not loopback");
      }
    }
    exitWhenStdinCloses();
  }

  /** Compiles `source` into `classDir` with the runtime's compiler (no JDK needed); the exit status. */
  static int compile(String source, String classDir) {
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    if (compiler == null) {
      System.err.println("This Java runtime has no compiler (module jdk.compiler)");
      return 1;
    }
    String classPath = System.getProperty("java.class.path");
    // --release 17: the class runs on any Java DynamoDB Local runs on, whichever compiled it.
    return compiler.run(null, null, null, "--release", "17", "-d", classDir, "-cp", classPath, source);
  }

  static void exitWhenStdinCloses() throws IOException {
    while (System.in.read() != -1) {
      // Nothing is ever written; only the end of the stream matters.
    }
    System.exit(0);
  }

  static void fail(String message) {
    System.err.println(message);
    System.exit(3);
  }
}
