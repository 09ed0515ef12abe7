package org.oeb.bridge.common.leases;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A course lease outlives its timeout while its cycle runs, and lapses soon after its replica stops. */
class RedisLeasesTests {

	private static final LettuceConnectionFactory connections = connect();

	private final StringRedisTemplate redis = new StringRedisTemplate(connections);

	private final RedisLeases one = new RedisLeases(this.redis);

	private final RedisLeases another = new RedisLeases(this.redis);

	private final String key = "test-lease-" + UUID.randomUUID();

	@AfterEach
	void stop() {
		this.one.stop();
		this.another.stop();
		this.redis.delete(this.key);
	}

	@AfterAll
	static void disconnect() {
		connections.destroy();
	}

	private static LettuceConnectionFactory connect() {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(
				System.getenv().getOrDefault("REDIS_HOST", "127.0.0.1"),
				Integer.parseInt(System.getenv().getOrDefault("REDIS_PORT", "6379"))));
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	@Test
	void aLongCycleKeepsItsLeaseAndNoOtherReplicaGetsTheCourse() throws Exception {
		try (RedisLeases.Lease lease = this.one.acquire(this.key, Duration.ofMillis(300))) {
			assertThat(lease).isNotNull();
			Thread.sleep(1200);

			assertThat(this.another.acquire(this.key, Duration.ofMillis(300))).isNull();
			assertThat(lease.lost()).isFalse();
		}
		assertThat(this.redis.hasKey(this.key)).isFalse();
		assertThat(this.another.acquire(this.key, Duration.ofMillis(300))).isNotNull();
	}

	@Test
	void aReplicaThatStopsRenewingLosesTheLeaseAfterTheTimeout() {
		RedisLeases.Lease lease = this.one.acquire(this.key, Duration.ofMillis(300));
		assertThat(lease).isNotNull();
		this.one.stop();

		await().atMost(Duration.ofSeconds(3)).until(() -> this.another.acquire(this.key, Duration.ofSeconds(5)) != null);
	}

	@Test
	void aLeaseTakenOverWhileTheCycleRanIsReportedLostAndNotReleasedForTheNewHolder() {
		RedisLeases.Lease lease = this.one.acquire(this.key, Duration.ofMillis(300));
		this.redis.opsForValue().set(this.key, "another-replica", Duration.ofSeconds(5));

		await().atMost(Duration.ofSeconds(3)).until(lease::lost);
		lease.close();

		assertThat(this.redis.opsForValue().get(this.key)).isEqualTo("another-replica");
	}

}
