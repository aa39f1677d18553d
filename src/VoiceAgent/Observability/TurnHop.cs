namespace VoiceAgent.Observability;

/// <summary>The points of one turn that get a timestamp, in the order they normally happen.</summary>
public enum TurnHop
{
    /// <summary>The frame that started the turn was read off the socket.</summary>
    SocketReceived,
    /// <summary>Audio path: the caller's speech ended (VAD).</summary>
    SpeechEnded,
    /// <summary>Audio path: the final transcript arrived from STT.</summary>
    TranscriptFinal,
    /// <summary>The model request was handed to the provider client.</summary>
    ModelRequestSent,
    /// <summary>A second model request was raced (no first token in time, or the first request failed early).</summary>
    SecondModelRequestSent,
    /// <summary>The first text delta came back from the model.</summary>
    FirstModelDelta,
    /// <summary>The first token of the reply was written to the carrier socket.</summary>
    FirstTokenSent,
    /// <summary>Audio path: the first synthesised audio arrived from TTS.</summary>
    FirstTtsAudio,
    /// <summary>Audio path: the first media frame of the reply went to the carrier.</summary>
    FirstMediaSent,
    /// <summary>
    /// Audio path: the carrier echoed the reply's first mark, i.e. the first chunk of its audio has played to the
    /// caller (Media Streams, Vonage). The latest moment the caller is proven to have heard the reply start.
    /// </summary>
    FirstAudioHeard,
    /// <summary>The last text delta came back from the model.</summary>
    LastModelDelta,
    /// <summary>The frame closing the reply (<c>last:true</c>) was written.</summary>
    LastFrameSent,
    /// <summary>Audio path: the carrier confirmed the reply's audio was played (mark echoed).</summary>
    PlaybackCompleted,
    /// <summary>The caller barged in, or a newer utterance superseded the reply.</summary>
    Interrupted,
}
