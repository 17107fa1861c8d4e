<#ftl output_format="plainText">
<#-- Directory Sync enrollment e-mail (plain text). The header is fixed; the body is the realm's (admin API) or the default. -->
<#if supportContact??>${msg("dirsyncEnrollmentHeader", organization, supportContact)}<#else>${msg("dirsyncEnrollmentHeaderNoContact", organization)}</#if>
----------------------------------------------------------------------
<#if reminder>
${msg("dirsyncEnrollmentReminder")}

</#if>
<#assign body = enrollmentBody!msg("dirsyncEnrollmentBody", organization)>
${body?replace("<enrollment-link>", enrollmentLink)}

${msg("dirsyncEnrollmentExpiry", linkExpiry)}
