#nullable disable
using CallFlow;
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using TCX.Configuration;

namespace dummy
{
    // Multi-language front desk: language choice (or a guess from the caller's country code),
    // a main menu for sales, support (hardware, software, ticket status), billing, opening
    // hours and callbacks, and a callback offer when a queue is long or the office is closed.
    // 0 reaches the operator, * goes back, # repeats. Prompts are <language>/<key>.wav.
    public class MultilingualIvr : ScriptBase<MultilingualIvr>
    {
        // ------------------------------------------------------------------ destinations
        const string SalesQueue = "8201";
        const string HardwareQueue = "8202";
        const string SoftwareQueue = "8203";
        const string BillingQueue = "8204";
        const string CallbackAgents = "8205";
        const string Operator = "8200";
        const string Voicemail = "8299";

        // ------------------------------------------------------------------ behaviour
        const int MaxAttempts = 3;
        const int MaxCallbackDigits = 15;
        const int MinCallbackDigits = 6;
        const int TicketDigits = 8;
        const int CallbackOfferThreshold = 4;
        static readonly TimeSpan DigitTimeout = TimeSpan.FromSeconds(6);
        static readonly TimeSpan FirstDigitTimeout = TimeSpan.FromSeconds(8);
        static readonly TimeSpan RouteTimeout = TimeSpan.FromSeconds(45);
        static readonly TimeSpan OpensAt = new TimeSpan(8, 0, 0);
        static readonly TimeSpan ClosesAt = new TimeSpan(18, 0, 0);
        const string TimeZoneId = "W. Europe Standard Time";
        const string CallbackList = "/var/lib/3cxpbx/Instance1/Data/Callbacks/requests.csv";

        // numbers that must never be called back: premium rate and short codes
        static readonly string[] BlockedPrefixes = { "+49900", "+49137", "+49118", "+33899", "+34803", "+34806", "+34807", "+44909", "+44871" };

        enum Language
        {
            English,
            German,
            French,
            Spanish,
        }

        enum Outcome
        {
            Routed,
            CallbackBooked,
            Voicemail,
            Operator,
            Abandoned,
            Failed,
        }

        static readonly Dictionary<Language, string> Folders = new Dictionary<Language, string>
        {
            [Language.English] = "en",
            [Language.German] = "de",
            [Language.French] = "fr",
            [Language.Spanish] = "es",
        };

        static readonly Dictionary<string, Language> CountryLanguages = new Dictionary<string, Language>(StringComparer.Ordinal)
        {
            ["+49"] = Language.German,
            ["+43"] = Language.German,
            ["+41"] = Language.German,
            ["+33"] = Language.French,
            ["+32"] = Language.French,
            ["+352"] = Language.French,
            ["+34"] = Language.Spanish,
            ["+52"] = Language.Spanish,
            ["+54"] = Language.Spanish,
        };

        // spoken names of the time windows a callback can be booked for
        static readonly Dictionary<char, string> CallbackWindows = new Dictionary<char, string>
        {
            ['1'] = "asap",
            ['2'] = "within-2h",
            ['3'] = "tomorrow-morning",
            ['4'] = "tomorrow-afternoon",
        };

        Language language = Language.English;
        string callerNumber = string.Empty;
        int invalidInputs;
        readonly StringBuilder journey = new StringBuilder();
        readonly CancellationTokenSource hangup = new CancellationTokenSource();

        public override async void Start()
        {
            var outcome = Outcome.Failed;
            MyCall.OnTerminated += () => hangup.Cancel();
            try
            {
                await MyCall.AssureMedia();
                callerNumber = NormaliseNumber(MyCall.Caller?.CallerID);
                language = GuessLanguage(callerNumber);
                Step("start lang=" + Folders[language]);

                await Play("welcome");
                language = await ChooseLanguage(language);
                Step("lang=" + Folders[language]);
                outcome = await MainMenu();
            }
            catch (OperationCanceledException)
            {
                outcome = Outcome.Abandoned;
            }
            catch (Exception ex)
            {
                MyCall.Error($"ivr: unexpected failure, caller {callerNumber}: {ex.Message}");
                outcome = await Transfer(Operator, Outcome.Operator);
            }
            finally
            {
                MyCall.Info($"ivr: caller {callerNumber} outcome {outcome} path {journey}");
            }
            MyCall.Return(outcome != Outcome.Failed);
        }

        // ================================================================== menus

        async Task<Language> ChooseLanguage(Language fallback)
        {
            for (var attempt = 1; attempt <= MaxAttempts; attempt++)
            {
                var key = await AskOneDigit("choose_language", FirstDigitTimeout);
                switch (key)
                {
                    case '1':
                        return Language.English;
                    case '2':
                        return Language.German;
                    case '3':
                        return Language.French;
                    case '4':
                        return Language.Spanish;
                    case '9':
                        continue;
                    case '\0':
                        // no choice: keep the language the caller's number suggests
                        return fallback;
                    default:
                        await Invalid();
                        break;
                }
            }
            return fallback;
        }

        async Task<Outcome> MainMenu()
        {
            var attempts = 0;
            while (attempts < MaxAttempts)
            {
                var key = await AskOneDigit(IsOpenNow() ? "main_menu" : "main_menu_closed", FirstDigitTimeout);
                Step("main:" + Describe(key));
                switch (key)
                {
                    case '1':
                        return await QueueOrCallback(SalesQueue, "sales");
                    case '2':
                        var support = await SupportMenu();
                        if (support.HasValue)
                        {
                            return support.Value;
                        }
                        attempts = 0;
                        continue;
                    case '3':
                        return await QueueOrCallback(BillingQueue, "billing");
                    case '4':
                        await AnnounceOpeningHours();
                        attempts = 0;
                        continue;
                    case '5':
                        return await BookCallback("menu");
                    case '0':
                        return await Transfer(Operator, Outcome.Operator);
                    case '*':
                        language = await ChooseLanguage(language);
                        attempts = 0;
                        continue;
                    case '#':
                        continue;
                    case '\0':
                        attempts++;
                        await Play("no_input");
                        break;
                    default:
                        attempts++;
                        await Invalid();
                        break;
                }
            }
            Step("main:exhausted");
            return await Transfer(Operator, Outcome.Operator);
        }

        // null means "back to the main menu"
        async Task<Outcome?> SupportMenu()
        {
            for (var attempt = 1; attempt <= MaxAttempts; attempt++)
            {
                var key = await AskOneDigit("support_menu", DigitTimeout);
                Step("support:" + Describe(key));
                switch (key)
                {
                    case '1':
                        return await QueueOrCallback(HardwareQueue, "hardware");
                    case '2':
                        return await QueueOrCallback(SoftwareQueue, "software");
                    case '3':
                        return await TicketStatus();
                    case '0':
                        return await Transfer(Operator, Outcome.Operator);
                    case '*':
                        return null;
                    case '#':
                        attempt--;
                        continue;
                    case '\0':
                        await Play("no_input");
                        break;
                    default:
                        await Invalid();
                        break;
                }
            }
            return null;
        }

        async Task<Outcome> TicketStatus()
        {
            for (var attempt = 1; attempt <= MaxAttempts; attempt++)
            {
                var ticket = await AskDigits("enter_ticket", TicketDigits, '#');
                if (ticket.Length == 0)
                {
                    await Play("no_input");
                    continue;
                }
                if (ticket.Length != TicketDigits || !ChecksumOk(ticket))
                {
                    Step("ticket:invalid");
                    await Play("ticket_invalid");
                    continue;
                }
                Step("ticket:" + ticket);
                // the software team owns the ticket system; the agent sees the ticket in the call info
                MyCall.Info($"ivr: caller {callerNumber} asks for ticket {ticket}");
                return await QueueOrCallback(SoftwareQueue, "ticket-" + ticket);
            }
            return await Transfer(Operator, Outcome.Operator);
        }

        // ================================================================== queues and callbacks

        async Task<Outcome> QueueOrCallback(string queueNumber, string topic)
        {
            if (!IsOpenNow())
            {
                Step("closed:" + topic);
                await Play("closed_offer_callback");
                var key = await AskOneDigit("press_1_callback_2_voicemail", DigitTimeout);
                if (key == '1')
                {
                    return await BookCallback(topic);
                }
                return await Transfer(Voicemail, Outcome.Voicemail);
            }

            var waiting = WaitingCalls(queueNumber);
            Step($"queue:{queueNumber}:waiting={waiting}");
            if (waiting >= CallbackOfferThreshold)
            {
                await PlayNumber("calls_ahead", waiting);
                var key = await AskOneDigit("press_1_callback_2_wait", DigitTimeout);
                if (key == '1')
                {
                    return await BookCallback(topic);
                }
            }
            return await Transfer(queueNumber, Outcome.Routed);
        }

        async Task<Outcome> BookCallback(string topic)
        {
            var number = await ConfirmCallbackNumber();
            if (number == null)
            {
                Step("callback:no-number");
                return await Transfer(Operator, Outcome.Operator);
            }

            var window = await ChooseWindow();
            if (window == null)
            {
                window = "asap";
            }

            var request = new CallbackRequest
            {
                Requested = DateTime.UtcNow,
                Number = number,
                Language = Folders[language],
                Topic = topic,
                Window = window,
                Reference = Reference(),
            };

            if (!await Store(request))
            {
                await Play("callback_failed");
                return await Transfer(CallbackAgents, Outcome.Routed);
            }

            Step("callback:" + request.Reference);
            await Play("callback_booked");
            await PlayDigits(request.Reference);
            await Play("goodbye");
            return Outcome.CallbackBooked;
        }

        async Task<string> ConfirmCallbackNumber()
        {
            if (Callable(callerNumber))
            {
                await Play("callback_confirm_number");
                await PlayDigits(callerNumber);
                var key = await AskOneDigit("press_1_yes_2_other", DigitTimeout);
                if (key == '1' || key == '\0')
                {
                    return callerNumber;
                }
            }

            for (var attempt = 1; attempt <= MaxAttempts; attempt++)
            {
                var digits = await AskDigits("enter_callback_number", MaxCallbackDigits, '#');
                var number = NormaliseNumber(digits);
                if (number.Length == 0)
                {
                    await Play("no_input");
                    continue;
                }
                if (!Callable(number))
                {
                    Step("callback:refused-number");
                    await Play("callback_number_refused");
                    continue;
                }
                await Play("you_entered");
                await PlayDigits(number);
                var key = await AskOneDigit("press_1_yes_2_again", DigitTimeout);
                if (key == '1')
                {
                    return number;
                }
            }
            return null;
        }

        async Task<string> ChooseWindow()
        {
            for (var attempt = 1; attempt <= MaxAttempts; attempt++)
            {
                var key = await AskOneDigit(IsOpenNow() ? "callback_windows" : "callback_windows_closed", DigitTimeout);
                if (key == '\0')
                {
                    return null;
                }
                string window;
                if (CallbackWindows.TryGetValue(key, out window))
                {
                    if (!IsOpenNow() && (window == "asap" || window == "within-2h"))
                    {
                        // nobody calls back at night: the first slot is the next morning
                        window = "tomorrow-morning";
                    }
                    return window;
                }
                await Invalid();
            }
            return null;
        }

        int WaitingCalls(string queueNumber)
        {
            var queue = MyCall.PS.GetDNByNumber(queueNumber) as Queue;
            if (queue == null)
            {
                MyCall.Error($"ivr: queue {queueNumber} does not exist");
                return 0;
            }
            return queue.QueueCalls?.Count() ?? 0;
        }

        async Task<bool> Store(CallbackRequest request)
        {
            try
            {
                var folder = Path.GetDirectoryName(CallbackList);
                if (!Directory.Exists(folder))
                {
                    Directory.CreateDirectory(folder);
                }
                var line = request.ToCsv() + Environment.NewLine;
                using (var stream = new FileStream(CallbackList, FileMode.Append, FileAccess.Write, FileShare.Read))
                {
                    var bytes = Encoding.UTF8.GetBytes(line);
                    await stream.WriteAsync(bytes, 0, bytes.Length, hangup.Token);
                }
                MyCall.Info($"ivr: callback {request.Reference} for {request.Number} ({request.Topic}, {request.Window})");
                return true;
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                MyCall.Error($"ivr: could not store callback for {request.Number}: {ex.Message}");
                return false;
            }
        }

        async Task<Outcome> Transfer(string number, Outcome outcome)
        {
            var target = MyCall.PS.GetDNByNumber(number);
            if (target == null)
            {
                MyCall.Error($"ivr: destination {number} does not exist");
                return Outcome.Failed;
            }
            Step("to:" + number);
            var routed = await MyCall.RouteTo(new RouteRequest
            {
                RouteTarget = target,
                TimeOut = RouteTimeout,
            });
            if (routed)
            {
                return outcome;
            }
            if (number != Voicemail)
            {
                // nobody answered in time: leave a message rather than hang up on the caller
                await Play("nobody_available");
                return await Transfer(Voicemail, Outcome.Voicemail);
            }
            return Outcome.Failed;
        }

        async Task AnnounceOpeningHours()
        {
            Step("hours");
            await Play(IsOpenNow() ? "hours_open_now" : "hours_closed_now");
            await Play("hours_weekdays");
        }

        // ================================================================== caller input

        async Task<char> AskOneDigit(string prompt, TimeSpan timeout)
        {
            var digits = await Collect(prompt, 1, timeout, '\0');
            return digits.Length == 0 ? '\0' : digits[0];
        }

        Task<string> AskDigits(string prompt, int maxDigits, char terminator)
        {
            return Collect(prompt, maxDigits, FirstDigitTimeout, terminator);
        }

        // Plays a prompt and gathers DTMF digits until maxDigits, the terminator, or a pause
        // longer than the timeout. Digits pressed during the prompt count (barge-in).
        async Task<string> Collect(string prompt, int maxDigits, TimeSpan timeout, char terminator)
        {
            var buffer = new StringBuilder();
            var done = new TaskCompletionSource<bool>();
            var lastKey = DateTime.UtcNow;

            void OnDigit(char digit)
            {
                lastKey = DateTime.UtcNow;
                if (digit == terminator)
                {
                    done.TrySetResult(true);
                    return;
                }
                buffer.Append(digit);
                if (buffer.Length >= maxDigits)
                {
                    done.TrySetResult(true);
                }
            }

            MyCall.OnDTMFInput += OnDigit;
            try
            {
                await MyCall.PlayPrompt(null, new[] { PromptFile(prompt) }, PlayPromptOptions.CancelPlaybackAtFirstChar);
                lastKey = DateTime.UtcNow;
                while (!done.Task.IsCompleted)
                {
                    hangup.Token.ThrowIfCancellationRequested();
                    var idle = DateTime.UtcNow - lastKey;
                    if (idle >= timeout)
                    {
                        break;
                    }
                    await Task.WhenAny(done.Task, Task.Delay(timeout - idle, hangup.Token));
                }
            }
            finally
            {
                MyCall.OnDTMFInput -= OnDigit;
            }
            return buffer.ToString();
        }

        async Task Invalid()
        {
            invalidInputs++;
            Step("invalid");
            await Play(invalidInputs >= MaxAttempts ? "invalid_last" : "invalid");
        }

        // ================================================================== speaking

        string PromptFile(string key)
        {
            return Folders[language] + "/" + key + ".wav";
        }

        Task Play(string key)
        {
            return MyCall.PlayPrompt(null, new[] { PromptFile(key) }, PlayPromptOptions.Blocked);
        }

        async Task PlayDigits(string digits)
        {
            var files = new List<string>();
            foreach (var c in digits)
            {
                if (c == '+')
                {
                    files.Add(PromptFile("plus"));
                }
                else if (char.IsDigit(c))
                {
                    files.Add(PromptFile("digit_" + c));
                }
                else if (char.IsLetter(c))
                {
                    files.Add(PromptFile("letter_" + char.ToLowerInvariant(c)));
                }
            }
            if (files.Count > 0)
            {
                await MyCall.PlayPrompt(null, files.ToArray(), PlayPromptOptions.Blocked);
            }
        }

        async Task PlayNumber(string key, int value)
        {
            await Play(key);
            await PlayDigits(Math.Min(value, 99).ToString(CultureInfo.InvariantCulture));
        }

        // ================================================================== helpers

        static Language GuessLanguage(string number)
        {
            if (string.IsNullOrEmpty(number) || !number.StartsWith("+"))
            {
                return Language.English;
            }
            // longest prefix first, so +352 wins over +35
            foreach (var entry in CountryLanguages.OrderByDescending(e => e.Key.Length))
            {
                if (number.StartsWith(entry.Key, StringComparison.Ordinal))
                {
                    return entry.Value;
                }
            }
            return Language.English;
        }

        static string NormaliseNumber(string raw)
        {
            if (string.IsNullOrWhiteSpace(raw))
            {
                return string.Empty;
            }
            var kept = new string(raw.Where(c => char.IsDigit(c) || c == '+').ToArray());
            if (kept.StartsWith("00"))
            {
                return "+" + kept.Substring(2);
            }
            if (kept.StartsWith("0") && kept.Length > 1)
            {
                // a national number: the PBX sits in Germany
                return "+49" + kept.Substring(1);
            }
            return kept;
        }

        static bool Callable(string number)
        {
            if (string.IsNullOrEmpty(number) || !number.StartsWith("+"))
            {
                return false;
            }
            var digits = number.Length - 1;
            if (digits < MinCallbackDigits || digits > MaxCallbackDigits)
            {
                return false;
            }
            return !BlockedPrefixes.Any(prefix => number.StartsWith(prefix, StringComparison.Ordinal));
        }

        // ticket numbers carry a mod-10 check digit at the end
        static bool ChecksumOk(string ticket)
        {
            var sum = 0;
            for (var i = 0; i < ticket.Length - 1; i++)
            {
                var digit = ticket[i] - '0';
                sum += (i % 2 == 0) ? digit * 3 : digit;
            }
            var check = (10 - (sum % 10)) % 10;
            return check == ticket[ticket.Length - 1] - '0';
        }

        static bool IsOpenNow()
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(TimeZoneId);
            var now = TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, zone);
            if (now.DayOfWeek == DayOfWeek.Saturday || now.DayOfWeek == DayOfWeek.Sunday)
            {
                return false;
            }
            return now.TimeOfDay >= OpensAt && now.TimeOfDay < ClosesAt;
        }

        static string Reference()
        {
            // six characters a caller can repeat on the phone: no 0/O or 1/I
            const string alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
            var random = new Random();
            var chars = new char[6];
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = alphabet[random.Next(alphabet.Length)];
            }
            return new string(chars);
        }

        static string Describe(char key)
        {
            return key == '\0' ? "timeout" : key.ToString();
        }

        void Step(string what)
        {
            if (journey.Length > 0)
            {
                journey.Append(" > ");
            }
            journey.Append(what);
        }

        sealed class CallbackRequest
        {
            public DateTime Requested;
            public string Number;
            public string Language;
            public string Topic;
            public string Window;
            public string Reference;

            public string ToCsv()
            {
                return string.Join(";", new[]
                {
                    Requested.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                    Reference,
                    Number,
                    Language,
                    Topic.Replace(";", ","),
                    Window,
                });
            }
        }
    }
}
