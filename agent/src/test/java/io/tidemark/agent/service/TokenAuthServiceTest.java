package io.tidemark.agent.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tidemark.proto.v1.JournalServiceGrpc;
import io.tidemark.proto.v1.StatusRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** TokenAuthInterceptor against BearerToken, in-process. */
class TokenAuthServiceTest {
  private final InMemoryJournal journal = new InMemoryJournal(1);
  @RegisterExtension final InProcessGrpc grpc = new InProcessGrpc();
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    channel = grpc.serve(ServerInterceptors.intercept(
        JournalFrontDoor.create(journal, Runnable::run).service(), TokenAuthInterceptor.requiring("s3cret")));
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
