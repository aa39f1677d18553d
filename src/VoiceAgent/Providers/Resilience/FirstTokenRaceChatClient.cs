using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using VoiceAgent.Observability;

namespace VoiceAgent.Providers.Resilience;

/// <summary>
/// Races a second model request when the first is slow to speak: if no first token (text or tool call) arrived
/// within the race delay, or the first request failed before one (429, 529, 5xx, refused connection), the same
/// request goes to the second lane (the same provider, or the fallback provider) and whichever produces a first
/// token first is streamed to the caller; the other is cancelled, which aborts its HTTP request. Nothing is
/// forwarded before a winner is known, so there is never a second request once a token reached the caller.
/// Only when both fail does the failure surface (as <see cref="ModelRaceFailedException"/>), and the turn speaks
/// its fallback line. Each lane is expected to carry the stream watchdog, which gives up on a request that never
/// speaks and handles stalls after the first token.
/// </summary>
/// <remarks>
/// The race delay is measured on the injected <see cref="TimeProvider"/>. Each attempt runs on its own
/// cancellation source linked to the caller's, so barge-in cancels both and a lost race cancels only the loser.
/// </remarks>
internal sealed partial class FirstTokenRaceChatClient : DelegatingChatClient
{
    private readonly ModelRaceLane _first;
    private readonly ModelRaceLane _second;
    private readonly TimeSpan _raceAfter;
    private readonly TimeProvider _clock;
    private readonly VoiceAgentMetrics? _metrics;
    private readonly ILogger _logger;

    public FirstTokenRaceChatClient(ModelRaceLane first, ModelRaceLane second, TimeSpan raceAfter, TimeProvider clock, VoiceAgentMetrics? metrics, ILogger logger)
        : base(first.Client)
    {
        ArgumentNullException.ThrowIfNull(second);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(raceAfter, TimeSpan.Zero);
        _first = first;
        _second = second;
        _raceAfter = raceAfter;
        _clock = clock;
        _metrics = metrics;
        _logger = logger;
    }

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        => await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken).ConfigureAwait(false);

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // Both requests read the same messages, possibly at the same time: take one snapshot.
        ChatMessage[] request = [.. messages];
        await using var race = new Race(this, request, options, cancellationToken);
        var winner = await race.RunAsync().ConfigureAwait(false);
        foreach (var update in winner.Buffered) yield return update;
        while (await winner.Stream.MoveNextAsync().ConfigureAwait(false)) yield return winner.Stream.Current;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !ReferenceEquals(_second.Client, _first.Client)) _second.Client.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>Output the caller can act on: spoken text or a tool call (as in the stream watchdog).</summary>
    private static bool IsFirstToken(ChatResponseUpdate update)
    {
        var contents = update.Contents; // indexed: a foreach over IList<T> boxes an enumerator per update
        for (var i = 0; i < contents.Count; i++)
            if (contents[i] is TextContent { Text.Length: > 0 } or FunctionCallContent) return true;
        return false;
    }

    /// <summary>One request's race: at most two attempts, a timer, and the decision.</summary>
    private sealed class Race(FirstTokenRaceChatClient owner, ChatMessage[] messages, ChatOptions? options, CancellationToken cancellationToken) : IAsyncDisposable
    {
        private Attempt? _first;
        private Attempt? _second;
        private ModelRaceTrigger _trigger;
        private long _startedAt;
        private long _secondStartedAt;

        public async Task<Attempt> RunAsync()
        {
            _startedAt = owner._clock.GetTimestamp();
            var raceDue = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var timer = owner._clock.CreateTimer(static due => ((TaskCompletionSource)due!).TrySetResult(), raceDue, owner._raceAfter, Timeout.InfiniteTimeSpan);
            _first = Attempt.Start(owner._first, messages, options, owner._logger, cancellationToken);

            // Each step settles one of: the timer, the first attempt, the second attempt. An attempt stays pending
            // until a step has handled it (it may already have completed: a fast failure).
            bool firstSettled = false, secondSettled = false;
            for (var step = 0; step < 3; step++)
            {
                var pending = new List<Task>(3);
                if (!firstSettled) pending.Add(_first.FirstToken);
                if (_second is not null && !secondSettled) pending.Add(_second.FirstToken);
                if (_second is null) pending.Add(raceDue.Task);
                var done = await Task.WhenAny(pending).ConfigureAwait(false);

                if (done == raceDue.Task)
                {
                    StartSecond(ModelRaceTrigger.FirstTokenTimeout);
                    continue;
                }
                var attempt = done == _first.FirstToken && !firstSettled ? _first : _second!;
                var other = ReferenceEquals(attempt, _first) ? _second : _first;
                if (ReferenceEquals(attempt, _first)) firstSettled = true;
                else secondSettled = true;
                if (attempt.Failure is null) return Win(attempt, other);

                if (cancellationToken.IsCancellationRequested)
                {
                    if (_second is not null) owner._metrics?.RecordModelRace(ModelRaceOutcome.Cancelled, _trigger, owner._second.Provider);
                    cancellationToken.ThrowIfCancellationRequested();
                }
                if (_second is null)
                {
                    if (!ShouldFailOver(attempt.Failure)) ExceptionDispatchInfo.Throw(attempt.Failure);
                    StartSecond(ModelRaceTrigger.FirstRequestFailed);
                    continue;
                }
                if (other!.Failure is null) continue; // still running, or already won (handled on the next step)
                throw Lose(other.Failure, attempt.Failure);
            }
            throw new InvalidOperationException("The first-token race settled neither attempt.");
        }

        /// <summary>A second request helps after any retryable failure, and after every failure when it goes to another provider.</summary>
        private bool ShouldFailOver(Exception failure)
            => !ReferenceEquals(owner._first.Client, owner._second.Client) || ProviderFailure.Classify(failure).IsRetryable;

        private void StartSecond(ModelRaceTrigger trigger)
        {
            _trigger = trigger;
            _secondStartedAt = owner._clock.GetTimestamp();
            LogRaceStarted(owner._logger, owner._first.Provider, trigger, owner._clock.GetElapsedTime(_startedAt, _secondStartedAt).TotalMilliseconds, owner._second.Provider);
            _second = Attempt.Start(owner._second, messages, options, owner._logger, cancellationToken);
        }

        private Attempt Win(Attempt winner, Attempt? loser)
        {
            loser?.Abandon();
            if (_second is null) return winner;
            var outcome = ReferenceEquals(winner, _first) ? ModelRaceOutcome.FirstWon : ModelRaceOutcome.SecondWon;
            owner._metrics?.RecordModelRace(outcome, _trigger, owner._second.Provider);
            LogRaceWon(owner._logger, _trigger, outcome, winner.Lane.Provider, owner._clock.GetElapsedTime(_startedAt).TotalMilliseconds);
            if (winner.Buffered.Count > 0)
            {
                var first = winner.Buffered[0];
                (first.AdditionalProperties ??= [])[ModelRaceResult.PropertyKey] = new ModelRaceResult(outcome, _trigger, winner.Lane.Provider, _secondStartedAt);
            }
            return winner;
        }

        private ModelRaceFailedException Lose(Exception firstFailure, Exception lastFailure)
        {
            owner._metrics?.RecordModelRace(ModelRaceOutcome.BothFailed, _trigger, owner._second.Provider);
            LogRaceLost(owner._logger, _trigger, owner._clock.GetElapsedTime(_startedAt).TotalMilliseconds,
                $"{firstFailure.GetType().Name}: {firstFailure.Message}", $"{lastFailure.GetType().Name}: {lastFailure.Message}");
            return new ModelRaceFailedException(firstFailure, lastFailure);
        }

        public async ValueTask DisposeAsync()
        {
            if (_second is not null) await _second.DisposeAsync().ConfigureAwait(false);
            if (_first is not null) await _first.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One request of the race. <see cref="FirstToken"/> completes (never faults) once a first token arrived, the
    /// stream ended, or it failed (<see cref="Failure"/>); updates read until then are kept in <see cref="Buffered"/>.
    /// </summary>
    private sealed class Attempt : IAsyncDisposable
    {
        private readonly CancellationTokenSource _cancel;
        private readonly ILogger _logger;
        private Task? _teardown;
        private Exception? _failure;

        private Attempt(ModelRaceLane lane, ChatMessage[] messages, ChatOptions? options, ILogger logger, CancellationToken cancellationToken)
        {
            Lane = lane;
            _logger = logger;
            _cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Stream = lane.Client.GetStreamingResponseAsync(messages, lane.OptionsFor(options), _cancel.Token).GetAsyncEnumerator(_cancel.Token);
            FirstToken = PumpAsync();
        }

        public ModelRaceLane Lane { get; }
        public IAsyncEnumerator<ChatResponseUpdate> Stream { get; }
        public List<ChatResponseUpdate> Buffered { get; } = [];
        public Task FirstToken { get; }
        public Exception? Failure { get => Volatile.Read(ref _failure); private set => Volatile.Write(ref _failure, value); }

        public static Attempt Start(ModelRaceLane lane, ChatMessage[] messages, ChatOptions? options, ILogger logger, CancellationToken cancellationToken)
            => new(lane, messages, options, logger, cancellationToken);

        private async Task PumpAsync()
        {
            try
            {
                while (await Stream.MoveNextAsync().ConfigureAwait(false))
                {
                    Buffered.Add(Stream.Current);
                    if (IsFirstToken(Stream.Current)) return;
                }
            }
            catch (Exception ex)
            {
                // Not swallowed: the race reads it and fails over or rethrows it.
                Failure = ex;
            }
        }

        /// <summary>Lost the race: cancel now (aborting the HTTP request) and tear down in the background until the race is disposed.</summary>
        public void Abandon() => _teardown ??= TeardownAsync();

        public ValueTask DisposeAsync() => new(_teardown ??= TeardownAsync());

        private async Task TeardownAsync()
        {
            await _cancel.CancelAsync().ConfigureAwait(false);
            await FirstToken.ConfigureAwait(false);
            try
            {
                await Stream.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException or ObjectDisposedException)
            {
                LogTeardownFailed(_logger, Lane.Provider, ex.GetType().Name, ex.Message);
            }
            _cancel.Dispose();
        }
    }

    [LoggerMessage(EventId = EventIds.ModelRaceTeardownFailed, Level = LogLevel.Debug, Message = "Closing a cancelled model request to {Provider} failed ({ExceptionType}: {Reason})")]
    private static partial void LogTeardownFailed(ILogger logger, string provider, string exceptionType, string reason);
}
