import { useParams } from "react-router-dom";
import { NewEntraDirectory } from "./entra/NewEntraDirectory";
import { NewLdapDirectory } from "./ldap/NewLdapDirectory";
import { NewScimDirectory } from "./scim/NewScimDirectory";

/** "Add directory": one wizard per directory type. */
export const NewDirectory = () => {
  const { type } = useParams();
  return type === "ldap" ? <NewLdapDirectory /> : type === "entra" ? <NewEntraDirectory /> : <NewScimDirectory />;
};
