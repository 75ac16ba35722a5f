#nullable disable
using CallFlow;
using System;
using System.Linq;
using System.Threading.Tasks;
using TCX.Configuration;

namespace dummy
{
    // Dial-code app: an extension dials the app's number to switch its own status
    // between "Available" and "Out of office". A short prompt confirms the new status.
    public class StatusToggle : ScriptBase<StatusToggle>
    {
        const string AvailableProfile = "Available";
        const string AwayProfile = "Out of office";
        const string PromptAvailable = "status_available.wav";
        const string PromptAway = "status_out_of_office.wav";
        const string PromptFailed = "status_not_changed.wav";

        public override async void Start()
        {
            try
            {
                await MyCall.AssureMedia();
                var extension = MyCall.Caller as Extension;
                if (extension == null)
                {
                    MyCall.Info("status toggle: caller is not a local extension, nothing to switch");
                    await Say(PromptFailed);
                    MyCall.Return(false);
                    return;
                }

                var current = extension.CurrentProfile?.Name ?? AvailableProfile;
                var wanted = string.Equals(current, AvailableProfile, StringComparison.OrdinalIgnoreCase)
                    ? AwayProfile
                    : AvailableProfile;
                var profile = extension.FwdProfiles.FirstOrDefault(p => p.Name == wanted);
                if (profile == null)
                {
                    MyCall.Error($"status toggle: extension {extension.Number} has no profile named {wanted}");
                    await Say(PromptFailed);
                    MyCall.Return(false);
                    return;
                }

                extension.CurrentProfile = profile;
                extension.Save();
                MyCall.Info($"status toggle: extension {extension.Number} switched from {current} to {wanted}");
                await Say(wanted == AvailableProfile ? PromptAvailable : PromptAway);
                MyCall.Return(true);
            }
            catch (Exception ex)
            {
                MyCall.Error($"status toggle failed: {ex.Message}");
                MyCall.Return(false);
            }
        }

        Task Say(string prompt)
        {
            return MyCall.PlayPrompt(null, new[] { prompt }, PlayPromptOptions.Blocked);
        }
    }
}
