"""The data every simulator starts with.

Domains are from the documentation ranges (example.net); numbers look like a small PBX:
three departments, two SIP trunks built from the generic template, two user extensions
(100 and 101), a prompt set, and a plausible value for every setting (singleton).
Everything goes through the same checks as ``POST /_sim/seed``.
"""

import copy

from .defaults import destination, office_week, schedule

# Keys of POST /_sim/seed from before every set could be seeded by its own name.
LEGACY_KEYS = {"groups": "Groups", "trunks": "Trunks", "callflow_apps": "CallFlowApps", "other_numbers": None}

# Seeds are applied in this order whatever the JSON says, so references resolve: departments
# and templates first, then trunks and users, then the DNs and rules that name them.
SEED_ORDER = ["other_numbers", "TrunkTemplates", "Holidays", "groups", "Groups", "trunks", "Trunks", "Users",
              "Parkings", "Fax", "ServicePrincipals", "callflow_apps", "CallFlowApps", "RingGroups", "Queues",
              "Receptionists", "InboundRules", "OutboundRules", "Parameters"]

PROMPT_SET = "1e6ed594-af95-4bb4-af56-b957ac87d6d7"


def _template(template_id, name, description, template_type="Preferred", port=5060):
    return {"Id": template_id, "Name": name, "Description": description, "TemplateType": template_type,
            "DefaultProxyPort": port, "DefaultRegistrarPort": port, "AddAllowed": True, "Countries": ["INT"],
            "Editors": ["Voip"], "Tags": [], "IsCustom": False}


def _user(number, first, last, email):
    return {"Number": number, "FirstName": first, "LastName": last, "EmailAddress": email, "IsRegistered": True,
            "Groups": [{"GroupId": 1, "Rights": {"RoleName": "users"}}]}


_BUILTIN = {
    "TrunkTemplates": [
        _template("generic.pv.xml", "Generic SIP Trunk", "A SIP trunk with registration, for any provider"),
        _template("genericip.pv.xml", "Generic SIP Trunk (IP based)", "A SIP trunk authorised by source address",
                  "Supported"),
        _template("1cx.pv.xml", "Example Cloud Carrier", "A provider template with TLS", "ThirdParty", 5061),
    ],
    "groups": [
        {"Id": 1, "Name": "DEFAULT", "Number": "GRP0000", "IsDefault": True},
        {"Id": 2, "Name": "Sales", "Number": "GRP0001"},
        {"Id": 3, "Name": "Support", "Number": "GRP0002"},
    ],
    "trunks": [
        {
            "Number": "10000",
            "AuthID": "4930555000",
            "AuthPassword": {"Value": "example-carrier-secret"},
            "DidNumbers": ["+4930555000", "+4930555001"],
            "E164CountryCode": "49",
            "E164ProcessIncomingNumber": True,
            "ExternalNumber": "+4930555000",
            "OutboundCallerID": "+4930555000",
            "IsOnline": True,
            "Gateway": {"Name": "Example Carrier", "Host": "sip.example.net", "ProxyHost": "sip.example.net",
                        "Port": 5060, "ProxyPort": 5060, "TemplateFilename": "generic.pv.xml", "Type": "Provider",
                        "Codecs": ["G711A", "G711U", "G729"], "Lines": 10, "TimeBetweenReg": 120,
                        "RequireRegistrationFor": "InOutCalls", "IPInRegistrationContact": "External",
                        "MatchingStrategy": "MatchAnyFields", "SRTPMode": "SRTPDisabled", "SupportReinvite": True,
                        "SupportReplaces": True, "DestNumberInRequestLineURI": True},
        },
        {
            "Number": "10001",
            "Direction": "Inbound",
            "EnableOutboundCalls": False,
            "DidNumbers": ["+4940555100"],
            "ExternalNumber": "+4940555100",
            "SimultaneousCalls": 4,
            "TransportRestriction": "TLS",
            "IsOnline": True,
            "Gateway": {"Name": "Example Backup Carrier", "Host": "sip2.example.net", "ProxyHost": "sip2.example.net",
                        "Port": 5061, "ProxyPort": 5061, "TemplateFilename": "generic.pv.xml", "Type": "Provider",
                        "Codecs": ["G711A", "G711U"], "Lines": 4, "TimeBetweenReg": 120,
                        "RequireRegistrationFor": "InOutCalls", "IPInRegistrationContact": "External",
                        "MatchingStrategy": "MatchAnyFields", "SRTPMode": "SRTPEnabled", "SupportReinvite": True,
                        "SupportReplaces": True, "DestNumberInRequestLineURI": True},
        },
    ],
    "Users": [
        _user("100", "Ada", "Example", "ada@example.net"),
        _user("101", "Ben", "Example", "ben@example.net"),
    ],
    "PromptSets": [
        {"Id": 1, "PromptSetName": "English (US)", "CultureCode": "en-US", "LanguageCode": "EN", "Folder": PROMPT_SET,
         "PromptSetType": "System", "Version": "20.0.10", "Description": "Default prompt set"},
    ],
    "Parameters": [
        {"Name": "NOTALLOWED_COUNTRYCODES", "Value": "", "Description": "Country codes outbound calls may not reach"},
        {"Name": "MS_LOCAL_CODEC_LIST", "Value": "G722 PCMA PCMU G729 GSM", "Description": "Codecs for local calls"},
        {"Name": "MS_EXTERNAL_CODEC_LIST", "Value": "PCMA PCMU G729 GSM", "Description": "Codecs for external calls"},
    ],
    "Countries": [
        {"Name": "Germany", "CountryCode": "DE", "CountryCodes": ["49"], "Continent": "Europe", "ExitCode": "00"},
        {"Name": "United States", "CountryCode": "US", "CountryCodes": ["1"], "Continent": "North America",
         "ExitCode": "011"},
    ],
    # settings (singletons): a plausible value where the type's default is not one
    "OfficeHours": {"Hours": schedule("SpecificHours", office_week()), "BreakTime": schedule("SpecificHours"),
                    "SystemLanguage": "EN", "TimeZoneId": "51"},
    "GeneralSettingsForPbx": {"OperatorExtension": "100", "AllowFwdToExternal": True, "BusyMonitor": True,
                              "BusyMonitorTimeout": 60, "HDAutoLogoutTime": "PT0S", "ScheduledReportGenerationTime": "PT6H",
                              "PlayBusy": True},
    "E164Settings": {"CountryCode": "49", "CountryName": "Germany", "InternationalCode": "00", "NationalCode": "0",
                     "AreaCode": "30", "Enabled": True},
    "DialCodeSettings": {"DialCodeBillingCode": "*9", "DialCodeHideCallerID": "*61", "DialCodeHotdesking": "*76",
                         "DialCodeHotelAccess": "*77", "DialCodeIntercom": "*9", "DialCodeLoggedInQueue": "*62",
                         "DialCodeLoggedOutQueue": "*63", "DialCodeOutOffice": "*70", "DialCodePark": "*0",
                         "DialCodePickup": "*20", "DialCodeProfileStatus": "*29", "DialCodeUnpark": "*1",
                         "DialCodeVMail": "999"},
    "CodecsSettings": {"LocalCodecList": ["G722", "PCMA", "PCMU", "G729", "GSM"],
                       "ExternalCodecList": ["PCMA", "PCMU", "G729", "GSM"]},
    "VoicemailSettings": {"Extension": "999", "Quota": 4096, "MinDuration": 2, "AutoDeleteDays": 90,
                          "SendEmailQuotaEnabled": True, "SendEmailQuotaPercentage": 90, "TranscribeEngine": "None",
                          "TranscribeLanguage": "en-US"},
    "MailSettings": {"MailServerType": "Tcx", "MailAddress": "pbx@example.net", "MailSslEnabled": True},
    "MusicOnHoldSettings": {"MusicOnHold": "onhold.wav"},
    "PhoneBookSettings": {"PhoneBookDisplay": "FirstNameLastName", "PhoneBookAddQueueName": "Prepend",
                          "ResolvingType": "MatchLength", "ResolvingLength": 8},
    "PhonesSettings": {"AutoCleanupFirmware": True, "UseProvisioningSecret": True, "FanvilUpdateInterval": 1440,
                       "GrandstreamUpdateInterval": 1440, "SnomUpdateInterval": 1440, "YealinkUpdateInterval": 1440},
    "CallParkingSettings": {"AutoPickupEnabled": True, "AutoPickupTimeout": 300, "AutoPickupForwardType": "TransferBack",
                            "MaximumParkedCalls": 10, "MusicOnHold": "onhold.wav"},
    "ConferenceSettings": {"Extension": "700", "EnablePin": True, "DtmfMode": "Rfc2833", "VideoConferenceMode": "Cloud",
                           "Zone": "eu"},
    "NetworkSettings": {"Id": "network", "PbxPublicFQDN": "pbx.example.net", "PublicStaticIP": "192.0.2.10",
                        "SipPort": 5060, "TunnelPort": 5090, "StunPrimaryHost": "stun.example.net",
                        "StunPrimaryPort": 3478, "StunQuery": 30, "FirewallKeepAlive": True,
                        "FirewallKeepAliveInterval": 15},
    "ConsoleRestrictions": {"Id": "console", "MyIpAddress": "192.0.2.50"},
    "AntiHackingSettings": {"HackAuthRequests": 25, "HackBarrierAmber": 1000, "HackBarrierGreen": 300,
                            "HackBarrierRed": 3000, "HackBlacklistDuration": 86400, "HackChallengeRequests": 5,
                            "MaxRequestPerPeriod": 100, "SecurityDefenseProgram": True, "ThrottlePeriodLength": 60},
    "CountryCodes": {"CountryCodes": ["49", "43", "41"]},
    "NotificationSettings": {"EmailAddresses": "admin@example.net", "NotifySystemOwners": True,
                             "NotifyServiceStopped": True, "NotifyUpdatesAvailable": True, "AutoRestartFailedServices": True},
    "EmergencyNotificationsSettings": {"ChatRecipients": "AllGroupsManagers"},
    "HotelServices": {"NoAnswerDestination": destination("VoiceMail", "100"), "NoAnswerTimeout": 20},
    "LoggingSettings": {"KeepLogs": True, "KeepLogsDays": 14, "LoggingLevel": 1},
    "ChatLogSettings": {"AutoClearMonths": 12, "AutoCloseDays": 7},
    "CDRSettings": {"Enabled": False, "LogType": "SingleFileForAllCalls", "PossibleFields": ["historyid", "callid"]},
    "FaxServerSettings": {"Number": "888", "Email": "fax@example.net", "MaxAge": 30, "AutoCleanup": True},
    "Firewall": {"Id": "firewall", "Running": False},
    "Defs": {
        "Id": 1,
        "Codecs": [{"Id": 0, "Name": "PCMU", "RfcName": "PCMU"}, {"Id": 8, "Name": "PCMA", "RfcName": "PCMA"},
                   {"Id": 9, "Name": "G722", "RfcName": "G722"}, {"Id": 18, "Name": "G729", "RfcName": "G729"}],
        "TimeZones": [{"Id": "51", "Name": "(UTC+01:00) Amsterdam, Berlin", "IanaName": "Europe/Berlin",
                       "WindowsName": "W. Europe Standard Time"},
                      {"Id": "35", "Name": "(UTC-05:00) Eastern Time (US & Canada)", "IanaName": "America/New_York",
                       "WindowsName": "Eastern Standard Time"}],
    },
    "LicenseStatus": {"Activated": True, "LicenseActive": True, "LicenseKey": "ABCD-EFGH-IJKL-MNOP", "ProductCode": "3CXENT",
                      "MaxSimCalls": 16, "CompanyName": "Example Ltd", "AdminEMail": "admin@example.net",
                      "CountryCode": "DE", "CountryName": "Germany", "Version": "20.0.10", "Support": True,
                      "ExpirationDate": "2030-01-01T00:00:00Z", "MaintenanceExpiresAt": "2030-01-01T00:00:00Z",
                      "ActiveModules": ["XAPI"]},
    "SystemStatus": {"Id": 1, "Activated": True, "AutoUpdateEnabled": True, "FQDN": "pbx.example.net",
                     "Ip": "192.0.2.10", "IpV4": "192.0.2.10", "CurrentLocalIp": "10.0.0.10",
                     "AvailableLocalIps": "10.0.0.10", "LocalIpValid": True, "LicenseActive": True,
                     "LicenseKey": "ABCD-EFGH-IJKL-MNOP", "ProductCode": "3CXENT", "MaxSimCalls": 16, "OS": "Linux",
                     "Version": "20.0.10.1000", "Support": True, "TotalDiskSpace": 42949672960,
                     "FreeDiskSpace": 32212254720, "DiskUsage": 25, "ExpirationDate": "2030-01-01T00:00:00Z",
                     "MaintenanceExpiresAt": "2030-01-01T00:00:00Z", "RemoteStorageStatus": "NotConfigured"},
}


def builtin_seed():
    """A fresh copy of the built-in data."""
    return copy.deepcopy(_BUILTIN)
