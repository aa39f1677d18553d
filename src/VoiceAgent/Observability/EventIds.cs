namespace VoiceAgent.Observability;

/// <summary>
/// Log event ids are part of the contract: dashboards and alerts key on them. Ranges: 1000 call lifecycle,
/// 2000 turns, 2100 Twilio request validation, 3000 ConversationRelay socket (+10 Media Streams, +20 Vonage),
/// 3100 Deepgram client, 4000 start-up, 4300 ElevenLabs client, 5000 speech pipeline, 6000 durable records
/// (6000 store, 6010 end-of-call webhook, 6020 retention, 6030 admin reads and erasure, 6040 locales),
/// 6100 provider configuration and Vonage webhooks, 6200 session store, failover and drain.
/// </summary>
internal static class EventIds
{
    // 1xxx: call lifecycle
    public const int CallStarted = 1000;
    public const int CallEnded = 1001;
    public const int CallFailed = 1002;
    /// <summary>The per-call summary: usage and its cost (voiceagent analyze reads it).</summary>
    public const int CallCost = 1050;
    // 2xxx: turns
    /// <summary>One hop of a turn (Debug).</summary>
    public const int TurnHop = 2000;
    /// <summary>The turn summary: one Information line per turn with the per-hop split (voiceagent analyze reads it).</summary>
    public const int TurnCompleted = 2001;
    public const int TurnInterrupted = 2002;
    public const int TurnFailed = 2003;
    public const int PartialPrompt = 2004;
    public const int DtmfReceived = 2005;
    public const int CarrierError = 2006;
    public const int EmptyUtterance = 2007;
    public const int ToolCalled = 2008;
    public const int ToolRejected = 2009;
    public const int FalseInterruptionResumed = 2010;
    /// <summary>The model stopped a reply at its output cap (<c>max_tokens</c> / <c>length</c>); the reply ends there.</summary>
    public const int ReplyCutAtMaxTokens = 2011;
    /// <summary>Audio path: the caller heard the reply start (first mark echoed), with speech end → sent and → heard.</summary>
    public const int TurnHeard = 2050;
    /// <summary>Audio path: the model was started on a stable transcript before the end of the turn (Debug), used, discarded.</summary>
    public const int SpeculationStarted = 2120;
    public const int SpeculationUsed = 2121;
    public const int SpeculationDiscarded = 2122;
    /// <summary>Speech pipeline: a speculation was asked for, or withdrawn because the caller went on (Debug).</summary>
    public const int SpeculationAsked = 5080;
    public const int SpeculationWithdrawn = 5081;
    // 3xxx: transports
    public const int FrameRejected = 3000;
    public const int SocketClosed = 3001;
    public const int SignatureRejected = 3002;
    public const int AccountRejected = 3003;
    public const int FrameIgnored = 3004;
    // 3050-3052: a carrier limit ended the call (start, idle, send stall, max length): relay, +1 Media Streams, +2 Vonage
    public const int CarrierDeadline = 3050;
    // 4xxx: start-up
    public const int EmulatedProviders = 4000;
    public const int SignatureBypass = 4001;
    public const int DevAuthToken = 4002;
    /// <summary>Where telemetry goes (OTLP endpoint, Prometheus scrape path), and the price table in use.</summary>
    public const int TelemetryExport = 4050;
    public const int PriceTableLoaded = 4051;
    // 61xx (secflake): transports refused for missing providers, explicit emulators, Vonage signed webhooks
    public const int TransportRefused = 6100;
    public const int RefusedSocketGone = 6101;
    public const int EmulatorsOnRequest = 6102;
    public const int TransportDisabled = 6103;
    public const int DevVonageSecret = 6104;
    public const int VonageWebhooksRefused = 6105;
    public const int VonageWebhookRejected = 6110;
    public const int VonageCallStatus = 6111;
    public const int VonageEventUnreadable = 6112;
    // 6xxx: durable records (transcripts, spools, webhook, audit)
    public const int RecordsStoreDown = 6000;
    public const int RecordsStoreUp = 6001;
    public const int TranscriptArchived = 6002;
    public const int TranscriptNotRetained = 6003;
    public const int SpoolItemUnreadable = 6004;
    public const int SpoolWriteFailed = 6005;
    public const int MigrationsApplied = 6006;
    public const int WebhookDelivered = 6010;
    public const int WebhookFailed = 6011;
    public const int WebhookRefused = 6012;
    public const int RetentionPurged = 6020;
    public const int RetentionPurgeFailed = 6021;
    public const int TranscriptRead = 6030;
    public const int CallerErased = 6031;
    public const int LocalesFallback = 6040;
    // 62xx: session store, failover, drain
    public const int SessionStoreDegraded = 6200;
    public const int SessionStoreRestored = 6201;
    public const int SessionResumed = 6202;
    public const int SessionResumeLookupFailed = 6203;
    public const int CallbackOffered = 6204;
    public const int FailoverTwiml = 6205;
    public const int DrainStarted = 6210;
    public const int DrainHandedOver = 6211;
    public const int DrainFinished = 6212;
    public const int SessionStoreStarted = 6213;
    public const int UnresumedCallFiled = 6214;
    // 73xx (race): the first-token race of model requests (FirstTokenRaceChatClient)
    public const int ModelRaceStarted = 7300;
    public const int ModelRaceWon = 7301;
    public const int ModelRaceLost = 7302;
    public const int ModelRaceTeardownFailed = 7303;
    // 74xx (control): application tools, escalation triggers, warm transfer
    public const int ToolStepsExhausted = 7400;
    public const int ToolFailed = 7401;
    public const int EscalationTriggered = 7402;
    public const int TransferDialled = 7410;
    public const int TransferFailed = 7411;
    public const int TransferAgentUnreached = 7412;
    public const int TransferVoicemail = 7413;
    public const int TransferAgentCancelled = 7414;
    public const int VonageTransferDialled = 7415;
    public const int VonageTransferFailed = 7416;
    public const int VonageTransferAgentUnreached = 7417;
    public const int VonageTransferVoicemail = 7418;
    public const int VonageTransferAgentCancelled = 7419;

    // 7600: consent, recording, payment capture, silence, pacing, structured prompts, history policy (issue 8)
    public const int ConsentAsked = 7600;
    public const int ConsentDecided = 7601;
    public const int ConsentOnFile = 7602;
    public const int ConsentStoreFailed = 7603; // +1: save failed
    public const int ConsentUnavailable = 7605;
    public const int TranscriptNotKept = 7606;
    public const int RecordingStarted = 7610;
    public const int RecordingPaused = 7611;
    public const int RecordingResumed = 7612;
    public const int RecordingFailed = 7613;
    public const int RecordingArchived = 7614;
    public const int RecordingArchiveFailed = 7615;
    public const int RecordingQueued = 7616;
    public const int RecordingFetchRetry = 7617;
    public const int RecordingQueueUnavailable = 7618;
    public const int PaymentCaptureStarted = 7620;
    public const int PaymentCaptureFinished = 7621;
    public const int PaymentCaptureAborted = 7622;
    public const int PaymentHandlerFailed = 7623;
    public const int SilenceReprompt = 7630;
    public const int SilenceEnded = 7631;
    public const int PacingChanged = 7640;
    public const int ChoiceAsked = 7650;
    public const int ChoiceAnswered = 7651;
    public const int HistorySummarised = 7660;
    public const int HistorySummaryFailed = 7661;
    public const int HistoryHardCap = 7662;
    public const int HistoryBudgetExceeded = 7663;

    // 6300: model connection warm-up at start-up (no cold first turn)
    public const int ModelWarmed = 6300;
    public const int ModelWarmConnectFailed = 6301;
    public const int ModelWarmTurnFailed = 6302;
    public const int FirstTurnWarmed = 6303;
    public const int FirstTurnWarmFailed = 6304;
}
