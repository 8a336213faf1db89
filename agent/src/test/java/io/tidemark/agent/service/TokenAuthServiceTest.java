package io.tidemark.agent.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.tidemark.proto.v1.JournalServiceGrpc;
import io.tidemark.proto.v1.StatusRequest;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** TokenAuthInterceptor against BearerToken, in-process. */
class TokenAuthServiceTest {
  private final InMemoryJournal journal = new InMemoryJournal(1);
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(
                ServerInterceptors.intercept(
                    JournalFrontDoor.create(journal, Runnable::run).service(),
                    TokenAuthInterceptor.requiring("s3cret")))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private JournalServiceGrpc.JournalServiceBlockingStub stub() {
    return JournalServiceGrpc.newBlockingStub(channel);
  }

  @Test
  void call_withoutToken_isUnauthenticatedAskingForOne() {
    assertThatThrownBy(() -> stub().status(StatusRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
              assertThat(e.getStatus().getDescription())
                  .isEqualTo("missing bearer token: pass --token");
            });
  }

  @Test
  void call_withWrongToken_isUnauthenticated() {
    for (String wrong : new String[] {"s3cre", "s3cret!", "S3CRET", "x"}) {
      assertThatThrownBy(
              () ->
                  stub()
                      .withCallCredentials(new BearerToken(wrong))
                      .status(StatusRequest.getDefaultInstance()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                assertThat(e.getStatus().getDescription()).isEqualTo("wrong token");
              });
    }
  }

  @Test
  void call_withRightToken_isServed() {
    assertThat(
            stub()
                .withCallCredentials(new BearerToken("s3cret"))
                .status(StatusRequest.getDefaultInstance())
                .getCursor())
        .isEqualTo("fake:1:0");
  }

  @Test
  void requiring_blankToken_isRefused() {
    assertThatThrownBy(() -> TokenAuthInterceptor.requiring(" "))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
