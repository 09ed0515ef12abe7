package org.oeb.bridge.gateway.routing;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CallLimiterTests {

	@Test
	void callOverTheLimitFailsAfterTheMaximumWait() {
		CallLimiter limiter = new CallLimiter(1, Duration.ofMillis(100));
		limiter.acquire().block();

		assertThatThrownBy(() -> limiter.acquire().block()).isInstanceOf(CallLimiter.LimitExceeded.class);
		assertThat(limiter.inUse()).isEqualTo(1);
	}

	@Test
	void waitingCallGetsTheSlotWhenItIsReleased() {
		CallLimiter limiter = new CallLimiter(1, Duration.ofSeconds(5));
		Runnable first = limiter.acquire().block();
		AtomicReference<Runnable> second = new AtomicReference<>();
		limiter.acquire().subscribe(second::set);
		assertThat(second.get()).isNull();

		first.run();

		assertThat(second.get()).isNotNull();
		assertThat(limiter.inUse()).isEqualTo(1);
		second.get().run();
		assertThat(limiter.inUse()).isZero();
	}

	@Test
	void releasingTwiceGivesTheSlotBackOnce() {
		CallLimiter limiter = new CallLimiter(2, Duration.ofSeconds(1));
		Runnable permit = limiter.acquire().block();
		limiter.acquire().block();

		permit.run();
		permit.run();

		assertThat(limiter.inUse()).isEqualTo(1);
	}

	@Test
	void callThatGivesUpWhileWaitingLeavesNoSlotTaken() {
		CallLimiter limiter = new CallLimiter(1, Duration.ofSeconds(5));
		Runnable first = limiter.acquire().block();
		Disposable abandoned = limiter.acquire().subscribe();
		abandoned.dispose();

		first.run();

		assertThat(limiter.inUse()).isZero();
		assertThat(limiter.acquire().block(Duration.ofSeconds(1))).isNotNull();
	}

}
