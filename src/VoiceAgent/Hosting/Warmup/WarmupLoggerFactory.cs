using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace VoiceAgent.Hosting.Warmup;

/// <summary>
/// The loggers of the start-up warm-up call: a real <see cref="LoggerFactory"/> under the application's own filter
/// rules (so exactly the lines a call writes at the configured levels are produced), whose one provider formats each
/// line with the console formatter the application writes with (JSON or simple, <c>LOG_FORMAT</c>) into a writer
/// that keeps nothing. The generic log path of every line a call writes (the logger, the formatter, the message
/// template) is compiled before the first call, and nothing reaches the console, a log file or any other provider.
/// </summary>
internal sealed class WarmupLoggerFactory : IDisposable
{
    private readonly LoggerFactory _factory;

    public WarmupLoggerFactory(IOptionsMonitor<LoggerFilterOptions> filters, IEnumerable<ConsoleFormatter> formatters, IOptionsMonitor<ConsoleLoggerOptions> console)
    {
        var name = console.CurrentValue.FormatterName ?? ConsoleFormatterNames.Simple;
        var formatter = formatters.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));
        Provider = new DiscardingProvider(formatter);
        _factory = new LoggerFactory([Provider], filters);
    }

    public ILoggerFactory Factory => _factory;

    /// <summary>The one provider; counts the lines it formatted (and dropped).</summary>
    internal DiscardingProvider Provider { get; }

    public void Dispose() => _factory.Dispose();

    /// <summary>
    /// Compiles, without calling it, each of the application's own providers' <c>Log&lt;TState&gt;</c> for every line
    /// shape the warm-up call wrote (each line's state is a struct of its own, so each needs its own compiled code).
    /// Nothing is logged: the methods are only prepared. Returns how many were prepared.
    /// </summary>
    public int PrepareApplicationProviders(IEnumerable<ILoggerProvider> providers)
    {
        var prepared = 0;
        var logMethod = typeof(ILogger).GetMethod(nameof(ILogger.Log))!;
        foreach (var provider in providers)
        {
            var loggerType = provider.CreateLogger(typeof(WarmupLoggerFactory).FullName!).GetType();
            if (loggerType.IsInterface || loggerType.IsAbstract) continue;
            var map = loggerType.GetInterfaceMap(typeof(ILogger));
            var index = Array.IndexOf(map.InterfaceMethods, logMethod);
            if (index < 0) continue;
            var target = map.TargetMethods[index];
            foreach (var state in Provider.StateTypes)
            {
                try
                {
                    RuntimeHelpers.PrepareMethod(target.MakeGenericMethod(state).MethodHandle);
                    prepared++;
                }
                catch (Exception ex) when (ex is ArgumentException or NotSupportedException or InvalidOperationException or TypeLoadException)
                {
                    // A provider whose Log cannot be prepared ahead (e.g. a constrained generic) compiles it on first use, as before.
                }
            }
        }
        return prepared;
    }

    /// <summary>Formats every line it is given, then drops it.</summary>
    internal sealed class DiscardingProvider(ConsoleFormatter? formatter) : ILoggerProvider
    {
        private readonly ConcurrentDictionary<Type, bool> _stateTypes = new();
        private long _formatted;

        /// <summary>The state types of the lines formatted so far (one per line shape).</summary>
        public IReadOnlyCollection<Type> StateTypes => (IReadOnlyCollection<Type>)_stateTypes.Keys;

        /// <summary>Lines formatted and dropped so far.</summary>
        public long Formatted => Interlocked.Read(ref _formatted);

        public ILogger CreateLogger(string categoryName) => new DiscardingLogger(categoryName, formatter, this);

        public void Dispose()
        {
        }

        private sealed class DiscardingLogger(string category, ConsoleFormatter? formatter, DiscardingProvider provider) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => NullLogger.Instance.BeginScope(state);

            public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> format)
            {
                if (formatter is null) _ = format(state, exception);
                else formatter.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, format), scopeProvider: null, TextWriter.Null);
                provider._stateTypes.TryAdd(typeof(TState), true);
                Interlocked.Increment(ref provider._formatted);
            }
        }
    }
}
