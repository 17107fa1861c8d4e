<#-- Directory Sync enrollment e-mail (HTML). The header is fixed; the body is the realm's (admin API) or the default. -->
<#import "template.ftl" as layout>
<@layout.emailLayout>
<p style="color:#555;font-size:90%;border-bottom:1px solid #ccc;padding-bottom:8px"><#if supportContact??>${msg("dirsyncEnrollmentHeader", organization, supportContact)}<#else>${msg("dirsyncEnrollmentHeaderNoContact", organization)}</#if></p>
<#if reminder>
<p><strong>${msg("dirsyncEnrollmentReminder")}</strong></p>
</#if>
<#assign body = enrollmentBody!msg("dirsyncEnrollmentBody", organization)>
<#list body?split("\n\n") as paragraph>
<p><#list paragraph?split("\n") as line><#list line?split("<enrollment-link>") as part>${part}<#sep><a href="${enrollmentLink}">${enrollmentLink}</a></#sep></#list><#sep><br></#sep></#list></p>
</#list>
<p>${msg("dirsyncEnrollmentExpiry", linkExpiry)}</p>
</@layout.emailLayout>
