using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using VoiceAgent.Hosting.Drain;
using VoiceAgent.Storage;
using VoiceAgent.Storage.Sessions;

namespace VoiceAgent.Hosting;

/// <summary>The session store (in process, or Redis with <c>REDIS_URL</c>), its background writer, the live-call registry and the drain.</summary>
internal static class SessionStoreRegistration
{
    public const string CallerKeyFile = "session-caller-key";

    public static void AddSessionStore(IServiceCollection services, VoiceAgentSettings settings)
    {
        var options = new SessionStoreOptions { Ttl = settings.SessionTtl, MaxTurns = settings.SessionMaxTurns, CallbackResumeWindow = settings.CallbackResumeWindow };
        services.TryAddSingleton(options);
        if (settings.RedisUrl is { } url)
        {
            var (redisOptions, _) = RedisConnection.Parse(url);
            // AbortOnConnectFail is off: this returns even when Redis is down, and reconnects in the background.
            services.TryAddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(redisOptions!));
            services.TryAddSingleton<ISessionStore>(sp => new RedisSessionStore(sp.GetRequiredService<IConnectionMultiplexer>(), options, sp.GetRequiredService<TimeProvider>()));
            services.TryAddSingleton(sp => new SessionStoreReadiness(sp.GetRequiredService<ISessionStore>(), sp.GetRequiredService<SessionWriter>(),
                $"redis://{redisOptions!.EndPoints[0]}"));
        }
        else
        {
            services.TryAddSingleton<ISessionStore>(sp => new InMemorySessionStore(options, sp.GetRequiredService<TimeProvider>()));
        }
        services.TryAddSingleton<SessionWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<SessionWriter>());
        services.TryAddSingleton(_ => new CallerKeys(SecretFile.LoadOrCreateKey(settings.DataDir, CallerKeyFile)));
        services.TryAddSingleton(sp => new SessionPersistence(
            sp.GetRequiredService<ISessionStore>(),
            sp.GetRequiredService<SessionWriter>(),
            sp.GetRequiredService<CallerKeys>(),
            options,
            $"{Environment.MachineName}:{Environment.ProcessId}",
            sp.GetRequiredService<ILogger<SessionPersistence>>()));
        services.TryAddSingleton(sp => new UnresumedCallSweeper(sp.GetRequiredService<SessionPersistence>(), sp.GetService<VoiceAgent.Conversation.Transcript.ICallRecordSink>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<UnresumedCallSweeper>>()));
        services.AddHostedService(sp => sp.GetRequiredService<UnresumedCallSweeper>());
        services.AddSingleton<ICallerDataEraser, SessionCallerDataEraser>();
        services.TryAddSingleton<LiveCalls>();
        services.AddHostedService<DrainService>();
        // Active calls may run DRAIN_TIMEOUT_SECONDS, then get a bounded hand-over and flush before the host gives up.
        services.Configure<HostOptions>(host => host.ShutdownTimeout = settings.DrainTimeout + TimeSpan.FromSeconds(20));
    }
}
